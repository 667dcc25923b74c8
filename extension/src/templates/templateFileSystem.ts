import * as vscode from 'vscode';
import {
  TemplateCreateVersionRequest,
  TemplateGetRequest,
  TemplatesDidChangeNotification,
} from '../../../server/src/protocol';
import type { BackendClient } from '../backend/backendClient';
import { formatTemplateDocument, parseTemplateDocument } from './templateDocument';

export const TEMPLATE_SCHEME = 'takoss-template';

type TemplateFile =
  { readonly name: string; readonly version: number } | { readonly name: string; readonly edit: true };

/** `takoss-template:/<name>/v<N>.template.md` shows a version; `…/edit.template.md` edits the production one. */
export function templateVersionUri(name: string, version: number): vscode.Uri {
  return vscode.Uri.from({ scheme: TEMPLATE_SCHEME, path: `/${name}/v${version}.template.md` });
}

export function templateEditUri(name: string): vscode.Uri {
  return vscode.Uri.from({ scheme: TEMPLATE_SCHEME, path: `/${name}/edit.template.md` });
}

function parseUri(uri: vscode.Uri): TemplateFile {
  const match = /^\/(.+)\/(?:v(\d+)|(edit))\.template\.md$/.exec(uri.path);
  if (!match?.[1]) throw vscode.FileSystemError.FileNotFound(uri);
  return match[3] ? { name: match[1], edit: true } : { name: match[1], version: Number(match[2]) };
}

/**
 * Template versions as documents. A version opens read-only; the edit document is the
 * production version, and saving it adds a new version through the backend (which validates
 * it). A save the backend refuses fails with its reason and the document stays dirty.
 */
export class TemplateFileSystem implements vscode.FileSystemProvider, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changeEmitter.event;
  private readonly mtimes = new Map<string, number>();
  /**
   * Per edit document, the last save from this window: VS Code keeps the saved text, whose
   * header still names the version the editing started from, so the next save must be
   * checked against the version this window made instead.
   */
  private readonly saves = new Map<string, { readonly from: number | undefined; readonly made: number }>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly backend: BackendClient) {
    // Another window or the CLI may add a version: open edit documents show the new production text.
    this.subscription = backend.onNotification(TemplatesDidChangeNotification, ({ name }) => {
      const changed = [...this.mtimes.keys()].filter((path) => name === undefined || path.startsWith(`/${name}/edit.`));
      for (const path of changed) this.mtimes.set(path, Date.now());
      if (changed.length > 0) {
        this.changeEmitter.fire(
          changed.map((path) => ({
            type: vscode.FileChangeType.Changed,
            uri: vscode.Uri.from({ scheme: TEMPLATE_SCHEME, path }),
          })),
        );
      }
    });
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const file = parseUri(uri);
    const content = await this.readFile(uri);
    const mtime = this.mtimes.get(uri.path) ?? Date.now();
    this.mtimes.set(uri.path, mtime);
    return {
      type: vscode.FileType.File,
      ctime: mtime,
      mtime,
      size: content.byteLength,
      ...('edit' in file ? {} : { permissions: vscode.FilePermission.Readonly }),
    };
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    const file = parseUri(uri);
    try {
      const version = await this.backend.send(
        TemplateGetRequest,
        'edit' in file ? { name: file.name } : { name: file.name, version: file.version },
      );
      return new TextEncoder().encode(formatTemplateDocument(version, 'edit' in file ? 'edit' : 'view'));
    } catch (error) {
      throw vscode.FileSystemError.Unavailable(error instanceof Error ? error.message : String(error));
    }
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    const file = parseUri(uri);
    if (!('edit' in file)) {
      throw vscode.FileSystemError.NoPermissions(`v${file.version} of ${file.name} is history and cannot change`);
    }
    const parsed = parseTemplateDocument(new TextDecoder().decode(content));
    if (!parsed.ok) throw vscode.FileSystemError.NoPermissions(parsed.reason);
    const header = parsed.version.basedOn;
    const previous = this.saves.get(uri.path);
    const basedOn = previous && previous.from === header ? previous.made : header;
    const created = await this.backend.send(TemplateCreateVersionRequest, {
      name: file.name,
      ...parsed.version,
      ...(basedOn === undefined ? {} : { basedOn }),
    });
    this.saves.set(uri.path, { from: header, made: created.version });
    this.mtimes.set(uri.path, Date.now());
    this.changeEmitter.fire([{ type: vscode.FileChangeType.Changed, uri }]);
    void vscode.window.showInformationMessage(`Takoss: saved ${created.name} as v${created.version} (production).`);
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  createDirectory(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  delete(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  rename(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}
