/**
 * A minimal stand-in for the `vscode` module and an ExtensionContext: enough of the API for
 * the extension's `activate` to run in plain Node, where its cost can be timed. Every
 * namespace and the context are strict: touching a member this file does not provide throws,
 * naming it, so activation that starts to need more fails the benchmark instead of quietly
 * measuring less. Everything it registers is counted (see `calls`).
 */
import path from 'node:path';

type Listener<T> = (event: T) => unknown;

/** What activation registered or created, by API name. */
export const calls = new Map<string, number>();
const count = (name: string) => calls.set(name, (calls.get(name) ?? 0) + 1);

class Disposable {
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((item) => item.dispose()));
  }
  constructor(private readonly onDispose: () => unknown) {}
  dispose(): void {
    this.onDispose();
  }
}

class EventEmitter<T> {
  private listeners = new Set<Listener<T>>();
  readonly event = (listener: Listener<T>, thisArgs?: unknown, disposables?: Disposable[]): Disposable => {
    const bound: Listener<T> = (event) => listener.call(thisArgs, event);
    this.listeners.add(bound);
    const disposable = new Disposable(() => this.listeners.delete(bound));
    disposables?.push(disposable);
    return disposable;
  };
  fire(event: T): void {
    for (const listener of [...this.listeners]) listener(event);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

class CancellationTokenSource {
  private readonly emitter = new EventEmitter<void>();
  readonly token = { isCancellationRequested: false, onCancellationRequested: this.emitter.event };
  cancel(): void {
    if (this.token.isCancellationRequested) return;
    this.token.isCancellationRequested = true;
    this.emitter.fire();
  }
  dispose(): void {
    this.emitter.dispose();
  }
}

interface UriParts {
  readonly scheme: string;
  readonly authority?: string;
  readonly path: string;
  readonly query?: string;
  readonly fragment?: string;
}

class Uri {
  static file(fsPath: string): Uri {
    return new Uri({ scheme: 'file', path: fsPath });
  }
  static from(parts: UriParts): Uri {
    return new Uri(parts);
  }
  static parse(text: string): Uri {
    const match = /^([a-z][a-z0-9+.-]*):(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/i.exec(text);
    if (!match) return Uri.file(text);
    return new Uri({ scheme: match[1]!, authority: match[2], path: match[3]!, query: match[4], fragment: match[5] });
  }
  static joinPath(base: Uri, ...segments: string[]): Uri {
    return base.with({ path: path.posix.join(base.path, ...segments) });
  }
  readonly scheme: string;
  readonly authority: string;
  readonly path: string;
  readonly query: string;
  readonly fragment: string;
  private constructor(parts: UriParts) {
    this.scheme = parts.scheme;
    this.authority = parts.authority ?? '';
    this.path = parts.path;
    this.query = parts.query ?? '';
    this.fragment = parts.fragment ?? '';
  }
  get fsPath(): string {
    return this.path;
  }
  with(change: Partial<UriParts>): Uri {
    return new Uri({ ...this, ...change });
  }
  toString(): string {
    return `${this.scheme}://${this.authority}${this.path}${this.query ? `?${this.query}` : ''}`;
  }
  toJSON(): UriParts {
    return { scheme: this.scheme, authority: this.authority, path: this.path, query: this.query };
  }
}

class TreeItem {
  constructor(
    readonly label: unknown,
    readonly collapsibleState?: number,
  ) {}
}
class ThemeIcon {
  constructor(
    readonly id: string,
    readonly color?: unknown,
  ) {}
}
class ThemeColor {
  constructor(readonly id: string) {}
}
class MarkdownString {
  constructor(public value = '') {}
  appendText(text: string): this {
    this.value += text.replace(/[\\`*_{}[\]()#+\-.!]/g, '\\$&');
    return this;
  }
  appendMarkdown(text: string): this {
    this.value += text;
    return this;
  }
  appendCodeblock(code: string, language = ''): this {
    this.value += `\n\`\`\`${language}\n${code}\n\`\`\`\n`;
    return this;
  }
}
class FileSystemError extends Error {
  static FileNotFound = (what?: unknown) => new FileSystemError(`FileNotFound ${String(what)}`);
  static NoPermissions = (what?: unknown) => new FileSystemError(`NoPermissions ${String(what)}`);
  static Unavailable = (what?: unknown) => new FileSystemError(`Unavailable ${String(what)}`);
}

/** An object whose members not listed here throw when touched, naming `where`. */
function strict<T extends object>(where: string, members: T): T {
  return new Proxy(members, {
    get(target, key, receiver) {
      if (typeof key === 'symbol' || key in target || key === 'then' || key === 'toJSON') {
        return Reflect.get(target, key, receiver) as unknown;
      }
      throw new Error(`the vscode stand-in has no ${where}.${key}; add it to bench/lib/vscodeStub.ts`);
    },
  });
}

const registered = (name: string) => () => {
  count(name);
  return new Disposable(() => undefined);
};
const noEvent = (name: string) => (_listener: unknown) => {
  count(name);
  return new Disposable(() => undefined);
};

function outputChannel(name: string) {
  count('window.createOutputChannel');
  const ignore = () => undefined;
  return strict(`LogOutputChannel(${name})`, {
    name,
    logLevel: 2,
    onDidChangeLogLevel: noEvent('LogOutputChannel.onDidChangeLogLevel'),
    trace: ignore,
    debug: ignore,
    info: ignore,
    warn: ignore,
    error: ignore,
    append: ignore,
    appendLine: ignore,
    replace: ignore,
    clear: ignore,
    show: ignore,
    hide: ignore,
    dispose: ignore,
  });
}

function statusBarItem(id: string) {
  count('window.createStatusBarItem');
  const ignore = () => undefined;
  return strict(`StatusBarItem(${id})`, {
    id,
    text: '',
    name: undefined,
    tooltip: undefined,
    command: undefined,
    backgroundColor: undefined,
    accessibilityInformation: undefined,
    show: ignore,
    hide: ignore,
    dispose: ignore,
  });
}

function configuration() {
  return strict('WorkspaceConfiguration', {
    get: <T>(_key: string, fallback?: T) => fallback,
    has: () => false,
    inspect: () => undefined,
    update: () => Promise.resolve(),
  });
}

const resolved = () => Promise.resolve(undefined);

/** The `vscode` module as the extension sees it. */
export function createVscodeModule(): object {
  return {
    version: '1.100.0',
    Disposable,
    EventEmitter,
    CancellationTokenSource,
    Uri,
    TreeItem,
    ThemeIcon,
    ThemeColor,
    MarkdownString,
    FileSystemError,
    StatusBarAlignment: { Left: 1, Right: 2 },
    TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
    ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
    ViewColumn: { Active: -1, Beside: -2, One: 1 },
    FileType: { Unknown: 0, File: 1, Directory: 2, SymbolicLink: 64 },
    FileChangeType: { Changed: 1, Created: 2, Deleted: 3 },
    FilePermission: { Readonly: 1 },
    env: strict('env', { appName: 'Visual Studio Code', language: 'en', machineId: 'bench', sessionId: 'bench' }),
    commands: strict('commands', {
      registerCommand: registered('commands.registerCommand'),
      executeCommand: resolved,
    }),
    window: strict('window', {
      createOutputChannel: outputChannel,
      createStatusBarItem: statusBarItem,
      registerTreeDataProvider: registered('window.registerTreeDataProvider'),
      createTreeView: () => {
        count('window.createTreeView');
        return { dispose() {}, onDidChangeVisibility: noEvent('TreeView.onDidChangeVisibility'), visible: false };
      },
      registerWebviewPanelSerializer: registered('window.registerWebviewPanelSerializer'),
      onDidChangeActiveTextEditor: noEvent('window.onDidChangeActiveTextEditor'),
      showInformationMessage: resolved,
      showWarningMessage: resolved,
      showErrorMessage: resolved,
      tabGroups: { all: [] },
      visibleTextEditors: [],
    }),
    workspace: strict('workspace', {
      workspaceFolders: undefined,
      isTrusted: true,
      textDocuments: [],
      getConfiguration: configuration,
      onDidChangeConfiguration: noEvent('workspace.onDidChangeConfiguration'),
      onDidGrantWorkspaceTrust: noEvent('workspace.onDidGrantWorkspaceTrust'),
      onDidChangeWorkspaceFolders: noEvent('workspace.onDidChangeWorkspaceFolders'),
      onDidCloseTextDocument: noEvent('workspace.onDidCloseTextDocument'),
      onDidSaveTextDocument: noEvent('workspace.onDidSaveTextDocument'),
      registerTextDocumentContentProvider: registered('workspace.registerTextDocumentContentProvider'),
      registerFileSystemProvider: registered('workspace.registerFileSystemProvider'),
    }),
    languages: strict('languages', { setTextDocumentLanguage: resolved }),
  };
}

/** An ExtensionContext for an extension installed at `extensionPath`. */
export function createExtensionContext(extensionPath: string): { subscriptions: { dispose(): unknown }[] } {
  const memento = () => {
    const values = new Map<string, unknown>();
    return strict('Memento', {
      keys: () => [...values.keys()],
      get: <T>(key: string, fallback?: T) => (values.has(key) ? values.get(key) : fallback),
      update: (key: string, value: unknown) => Promise.resolve(void values.set(key, value)),
      setKeysForSync: () => undefined,
    });
  };
  const extensionUri = Uri.file(extensionPath);
  return strict('ExtensionContext', {
    subscriptions: [] as { dispose(): unknown }[],
    extensionPath,
    extensionUri,
    extensionMode: 1,
    globalState: memento(),
    workspaceState: memento(),
    secrets: strict('SecretStorage', {
      get: resolved,
      store: () => Promise.resolve(),
      delete: () => Promise.resolve(),
      keys: () => Promise.resolve([]),
      onDidChange: noEvent('SecretStorage.onDidChange'),
    }),
    storageUri: undefined,
    globalStorageUri: Uri.joinPath(extensionUri, '.bench', 'global'),
    logUri: Uri.joinPath(extensionUri, '.bench', 'log'),
    asAbsolutePath: (relative: string) => path.join(extensionPath, relative),
  });
}
