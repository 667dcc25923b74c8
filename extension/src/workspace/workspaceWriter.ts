import { realpath } from 'node:fs/promises';
import path from 'node:path';
import * as vscode from 'vscode';
import type { AppliedFileView, ApplyFilesParams } from '../../../server/src/protocol';
import {
  applyAnswer,
  checkWorkspace,
  isWithin,
  planFile,
  resolveInside,
  type Answer,
  type FilePlan,
} from './conflictPolicy';
import type { MemoryDocuments } from '../documents/memoryDocuments';

const ACCEPT = 'Accept';
const SKIP = 'Skip';
const ACCEPT_ALL = 'Accept All for This Chain';

/**
 * Writes a task's files into the workspace when the backend asks (ApplyFilesRequest): one
 * WorkspaceEdit per task, labelled with the task, so one undo takes the task back. New files
 * are created with their content; existing ones are replaced as text (so undo restores them)
 * and saved. Conflicts and protected paths show a diff and ask first.
 */
export class WorkspaceWriter {
  private readonly acceptAll = new Set<string>();

  constructor(
    private readonly proposed: MemoryDocuments,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  async apply(params: ApplyFilesParams): Promise<{ files: AppliedFileView[] }> {
    const openFolders = (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath);
    const workspace = checkWorkspace(params, openFolders, vscode.workspace.isTrusted);
    if (!workspace.ok) {
      this.log.warn(`Refused to write files of task ${params.taskId}: ${workspace.reason}`);
      return { files: params.files.map((file) => ({ path: file.path, action: 'refused', reason: workspace.reason })) };
    }
    const plans: FilePlan[] = [];
    for (const file of params.files) {
      const state = { dirty: isDirty(workspace.folder, file.path), exists: await exists(workspace.folder, file.path) };
      let plan = planFile(file, this.acceptAll.has(params.chainId), state);
      if (plan.kind === 'write' || plan.kind === 'ask') plan = await this.contain(workspace.folder, plan);
      if (plan.kind === 'ask') {
        const answer = await this.ask(workspace.folder, params, plan);
        if (answer === 'acceptAll') this.acceptAll.add(params.chainId);
        plan = applyAnswer(plan, answer);
      }
      plans.push(plan);
    }
    return { files: await this.write(workspace.folder, params, plans) };
  }

  /** Refuses a file that really lives outside the folder (through a symlink in its path, or itself one). */
  private async contain(folder: string, plan: Extract<FilePlan, { kind: 'write' | 'ask' }>): Promise<FilePlan> {
    const target = resolveInside(folder, plan.file.path);
    const real = target && (await realPathOfNearest(target));
    if (!real || !isWithin(await realpath(folder), real)) {
      return { kind: 'refused', path: plan.file.path, reason: `"${plan.file.path}" resolves outside the workspace` };
    }
    return plan;
  }

  private async ask(
    folder: string,
    params: ApplyFilesParams,
    plan: Extract<FilePlan, { kind: 'ask' }>,
  ): Promise<Answer | undefined> {
    const proposedUri = this.proposed.hold(plan.file.path, plan.file.content);
    // A file the backend would create has no current side: show it against an empty one.
    const currentUri =
      plan.file.decision === 'create'
        ? this.proposed.hold(plan.file.path, '')
        : vscode.Uri.file(resolveInside(folder, plan.file.path) ?? folder);
    try {
      await vscode.commands.executeCommand(
        'vscode.diff',
        currentUri,
        proposedUri,
        `${plan.file.path}: current ↔ Takoss (${params.taskTitle})`,
        { preview: true, preserveFocus: true },
      );
      const choices = plan.acceptAllAllowed ? [ACCEPT, SKIP, ACCEPT_ALL] : [ACCEPT, SKIP];
      const choice = await vscode.window.showWarningMessage(
        `Takoss task "${params.taskTitle}" wants to write ${plan.file.path}: ${plan.why}.`,
        ...choices,
      );
      return choice === ACCEPT ? 'accept' : choice === ACCEPT_ALL ? 'acceptAll' : choice === SKIP ? 'skip' : undefined;
    } finally {
      await closeDiff(proposedUri);
      this.proposed.release(proposedUri);
      this.proposed.release(currentUri);
    }
  }

  private async write(
    folder: string,
    params: ApplyFilesParams,
    plans: readonly FilePlan[],
  ): Promise<AppliedFileView[]> {
    const edit = new vscode.WorkspaceEdit();
    const metadata: vscode.WorkspaceEditEntryMetadata = {
      label: `Takoss: ${params.taskTitle}`,
      needsConfirmation: false,
    };
    const outcomes: AppliedFileView[] = [];
    const updated: vscode.Uri[] = [];
    for (const plan of plans) {
      if (plan.kind === 'refused')
        outcomes.push({
          path: plan.path,
          action: plan.reason === 'skipped' ? 'skipped' : 'refused',
          reason: plan.reason,
        });
      else if (plan.kind === 'unchanged') outcomes.push({ path: plan.file.path, action: 'unchanged' });
      else if (plan.kind === 'write') {
        const uri = vscode.Uri.file(resolveInside(folder, plan.file.path) ?? folder);
        const existing = await openIfExists(uri);
        if (existing) {
          edit.replace(uri, fullRange(existing), plan.file.content, metadata);
          updated.push(uri);
          outcomes.push({ path: plan.file.path, action: 'updated' });
        } else {
          edit.createFile(uri, { contents: new TextEncoder().encode(plan.file.content) }, metadata);
          outcomes.push({ path: plan.file.path, action: 'created' });
        }
      }
    }
    // Not `edit.size`: it counts text edits only, not the files this edit creates.
    const writes = outcomes.filter((outcome) => outcome.action === 'created' || outcome.action === 'updated').length;
    if (writes === 0) return outcomes;
    if (!(await vscode.workspace.applyEdit(edit))) {
      const reason = 'VS Code did not apply the edit (a file changed meanwhile?); run the task again';
      return outcomes.map((outcome) =>
        outcome.action === 'created' || outcome.action === 'updated'
          ? { ...outcome, action: 'refused', reason }
          : outcome,
      );
    }
    for (const uri of updated) await vscode.workspace.save(uri);
    this.log.info(
      `Task "${params.taskTitle}": ${outcomes.map((outcome) => `${outcome.path} ${outcome.action}`).join(', ')}.`,
    );
    return outcomes;
  }
}

function isDirty(folder: string, relative: string): boolean {
  const absolute = resolveInside(folder, relative);
  return vscode.workspace.textDocuments.some((document) => document.isDirty && document.uri.fsPath === absolute);
}

/** Closes the question's diff editor once answered: its right side no longer exists. */
async function closeDiff(proposedUri: vscode.Uri): Promise<void> {
  const tabs = vscode.window.tabGroups.all.flatMap((group) => group.tabs);
  const diff = tabs.filter(
    (tab) => tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === proposedUri.toString(),
  );
  if (diff.length > 0) await vscode.window.tabGroups.close(diff, true);
}

async function exists(folder: string, relative: string): Promise<boolean> {
  const absolute = resolveInside(folder, relative);
  if (!absolute) return false;
  try {
    await vscode.workspace.fs.stat(vscode.Uri.file(absolute));
    return true;
  } catch {
    return false;
  }
}

async function openIfExists(uri: vscode.Uri): Promise<vscode.TextDocument | undefined> {
  try {
    await vscode.workspace.fs.stat(uri);
  } catch {
    return undefined;
  }
  return vscode.workspace.openTextDocument(uri);
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
