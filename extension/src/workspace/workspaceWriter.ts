import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';
import * as vscode from 'vscode';
import type { AppliedFileView, ApplyFilesParams, ProposedFile } from '../../../server/src/protocol';
import type { MemoryDocuments } from '../documents/memoryDocuments';
import { applyAnswer, checkWorkspace, isWithin, planFile, resolveInside, type FilePlan } from './conflictPolicy';
import { WriteQuestions } from './writeQuestions';

const WRITTEN = new Set(['created', 'updated']);

/** A file to write, and whether the user approved replacing what is there. */
interface Approved {
  readonly file: ProposedFile;
  readonly approved: boolean;
}

/**
 * Writes a task's files into the workspace when the backend asks (ApplyFilesRequest): one
 * WorkspaceEdit per task, labelled with the task, so one undo takes the task back. New files
 * are created with their content (never over a file that appeared meanwhile); existing ones
 * are replaced as text (so undo restores them) and saved. Conflicts, protected paths and
 * unsaved editors show a diff and ask first; the state is checked again just before writing.
 */
export class WorkspaceWriter {
  private readonly acceptAll = new Set<string>();
  private readonly questions: WriteQuestions;

  constructor(
    proposed: MemoryDocuments,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.questions = new WriteQuestions(proposed);
  }

  async apply(params: ApplyFilesParams, token: vscode.CancellationToken): Promise<{ files: AppliedFileView[] }> {
    const openFolders = (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath);
    const workspace = checkWorkspace(params, openFolders, vscode.workspace.isTrusted);
    if (!workspace.ok) {
      this.log.warn(`Refused to write files of task ${params.taskId}: ${workspace.reason}`);
      return { files: params.files.map((file) => ({ path: file.path, action: 'refused', reason: workspace.reason })) };
    }
    const folder = workspace.folder;
    const outcomes: AppliedFileView[] = [];
    const writes: Approved[] = [];
    for (const file of params.files) {
      const existsNow = await exists(folder, file.path);
      let plan = planFile(file, this.acceptAll.has(params.chainId), {
        dirty: isDirty(folder, file.path),
        exists: existsNow,
      });
      if (plan.kind === 'write' || plan.kind === 'ask') plan = await contain(folder, plan);
      let approved = false;
      if (plan.kind === 'ask') {
        const asking = plan;
        // Accept All may have been chosen while this question waited for its turn.
        const stillNeeded = () => !(asking.acceptAllAllowed && this.acceptAll.has(params.chainId));
        const answer = await this.questions.ask(folder, params, asking, existsNow, token, stillNeeded);
        if (answer === 'acceptAll') this.acceptAll.add(params.chainId);
        plan = applyAnswer(asking, answer);
        approved = plan.kind === 'write';
      }
      if (plan.kind === 'write') writes.push({ file: plan.file, approved });
      else if (plan.kind !== 'ask') outcomes.push(outcomeOf(plan));
    }
    if (token.isCancellationRequested) {
      return { files: [...outcomes, ...writes.map(({ file }) => skipped(file, 'the chain was cancelled'))] };
    }
    try {
      return { files: [...outcomes, ...(await this.write(folder, params, writes))] };
    } catch (error) {
      const reason = `writing failed: ${error instanceof Error ? error.message : String(error)}`;
      this.log.error(`Task "${params.taskTitle}": ${reason}`);
      return {
        files: [...outcomes, ...writes.map(({ file }) => ({ path: file.path, action: 'refused' as const, reason }))],
      };
    }
  }

  private async write(
    folder: string,
    params: ApplyFilesParams,
    writes: readonly Approved[],
  ): Promise<AppliedFileView[]> {
    const edit = new vscode.WorkspaceEdit();
    const metadata = { label: `Takoss: ${params.taskTitle}`, needsConfirmation: false };
    const outcomes: AppliedFileView[] = [];
    const updated: { uri: vscode.Uri; path: string }[] = [];
    for (const { file, approved } of writes) {
      const uri = vscode.Uri.file(resolveInside(folder, file.path) ?? folder);
      // Checked again: the user may have typed in it, or another task created it, meanwhile.
      if (!approved && isDirty(folder, file.path)) {
        outcomes.push(
          skipped(file, `${file.path} has unsaved changes in an editor; save or revert it, then retry the task`),
        );
        continue;
      }
      const existing = await openIfExists(uri);
      if (existing && file.decision === 'create' && !approved) {
        outcomes.push(
          skipped(file, `${file.path} appeared while Takoss was writing; retry the task to be asked about it`),
        );
      } else if (existing) {
        edit.replace(uri, fullRange(existing), file.content, metadata);
        updated.push({ uri, path: file.path });
        outcomes.push({ path: file.path, action: 'updated' });
      } else {
        // overwrite: false — a file that appears before the edit applies fails it rather than being replaced.
        edit.createFile(uri, { contents: new TextEncoder().encode(file.content), overwrite: false }, metadata);
        outcomes.push({ path: file.path, action: 'created' });
      }
    }
    // Not `edit.size`: it counts text edits only, not the files this edit creates.
    if (!outcomes.some((outcome) => WRITTEN.has(outcome.action))) return outcomes;
    if (!(await vscode.workspace.applyEdit(edit))) {
      const reason = 'VS Code did not apply the edit (a file changed meanwhile?); retry the task';
      return outcomes.map((outcome) =>
        WRITTEN.has(outcome.action) ? { ...outcome, action: 'refused', reason } : outcome,
      );
    }
    for (const { uri, path: relative } of updated) {
      if ((await vscode.workspace.save(uri)) === undefined) {
        const index = outcomes.findIndex((outcome) => outcome.path === relative);
        outcomes[index] = { path: relative, action: 'refused', reason: `${relative} could not be saved (read-only?)` };
      }
    }
    this.log.info(
      `Task "${params.taskTitle}": ${outcomes.map((outcome) => `${outcome.path} ${outcome.action}`).join(', ')}.`,
    );
    return outcomes;
  }
}

function outcomeOf(plan: Exclude<FilePlan, { kind: 'write' | 'ask' }>): AppliedFileView {
  if (plan.kind === 'unchanged') return { path: plan.file.path, action: 'unchanged' };
  return { path: plan.path, action: plan.reason === 'skipped' ? 'skipped' : 'refused', reason: plan.reason };
}

function skipped(file: ProposedFile, reason: string): AppliedFileView {
  return { path: file.path, action: 'skipped', reason };
}

/** Refuses a file that really lives outside the folder, or is a symlink (the backend refuses those too). */
async function contain(folder: string, plan: Extract<FilePlan, { kind: 'write' | 'ask' }>): Promise<FilePlan> {
  const target = resolveInside(folder, plan.file.path);
  const refuse = (why: string): FilePlan => ({
    kind: 'refused',
    path: plan.file.path,
    reason: `"${plan.file.path}" ${why}`,
  });
  if (!target) return refuse('resolves outside the workspace');
  const link = await lstat(target).catch(() => undefined);
  if (link?.isSymbolicLink()) return refuse('is a symbolic link; Takoss does not write through links');
  const real = await realPathOfNearest(target);
  return real && isWithin(await realpath(folder), real) ? plan : refuse('resolves outside the workspace');
}

function isDirty(folder: string, relative: string): boolean {
  const absolute = resolveInside(folder, relative);
  if (!absolute) return false;
  // Case-insensitive file systems (macOS, Windows) open `App.tsx` for `app.tsx` too.
  const same = (other: string) => other === absolute || other.toLowerCase() === absolute.toLowerCase();
  return vscode.workspace.textDocuments.some((document) => document.isDirty && same(document.uri.fsPath));
}

async function exists(folder: string, relative: string): Promise<boolean> {
  const absolute = resolveInside(folder, relative);
  return absolute !== undefined && (await fileExists(vscode.Uri.file(absolute)));
}

async function fileExists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

async function openIfExists(uri: vscode.Uri): Promise<vscode.TextDocument | undefined> {
  return (await fileExists(uri)) ? vscode.workspace.openTextDocument(uri) : undefined;
}

function fullRange(document: vscode.TextDocument): vscode.Range {
  return new vscode.Range(0, 0, document.lineCount, 0);
}

/** The real path of `target`, or of its nearest ancestor that exists. */
async function realPathOfNearest(target: string): Promise<string | undefined> {
  for (let current = target; ; current = path.dirname(current)) {
    try {
      return await realpath(current);
    } catch {
      if (path.dirname(current) === current) return undefined;
    }
  }
}
