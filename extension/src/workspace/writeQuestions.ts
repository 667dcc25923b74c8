import * as vscode from 'vscode';
import type { ApplyFilesParams } from '../../../server/src/protocol';
import type { MemoryDocuments } from '../documents/memoryDocuments';
import { resolveInside, type Answer, type FilePlan } from './conflictPolicy';

const ACCEPT = 'Accept';
const SKIP = 'Skip';
const ACCEPT_ALL = 'Accept All for This Chain';

/**
 * Asks the user about one file at a time, with a diff of what Takoss proposes: tasks run in
 * parallel, and two questions at once would show one task's diff under the other's question.
 * A question whose request was cancelled (chain cancelled, backend gone) counts as Skip.
 */
export class WriteQuestions {
  private turn: Promise<unknown> = Promise.resolve();

  constructor(private readonly proposed: MemoryDocuments) {}

  /** Waits for earlier questions; `stillNeeded` is asked again once it is this question's turn. */
  ask(
    folder: string,
    params: ApplyFilesParams,
    plan: Extract<FilePlan, { kind: 'ask' }>,
    existsNow: boolean,
    token: vscode.CancellationToken,
    stillNeeded: () => boolean,
  ): Promise<Answer | undefined> {
    const asked = this.turn.then(() =>
      token.isCancellationRequested
        ? undefined
        : stillNeeded()
          ? this.show(folder, params, plan, existsNow, token)
          : 'accept',
    );
    this.turn = asked.catch(() => undefined);
    return asked;
  }

  private async show(
    folder: string,
    params: ApplyFilesParams,
    plan: Extract<FilePlan, { kind: 'ask' }>,
    existsNow: boolean,
    token: vscode.CancellationToken,
  ): Promise<Answer | undefined> {
    const proposedUri = this.proposed.hold(plan.file.path, plan.file.content);
    // The left side is what is on disk now; a file that does not exist is shown as empty.
    const currentUri = existsNow
      ? vscode.Uri.file(resolveInside(folder, plan.file.path) ?? folder)
      : this.proposed.hold(plan.file.path, '');
    try {
      await vscode.commands.executeCommand(
        'vscode.diff',
        currentUri,
        proposedUri,
        `${plan.file.path}: current ↔ Takoss (${params.taskTitle})`,
        { preview: false, preserveFocus: true },
      );
      const choices = plan.acceptAllAllowed ? [ACCEPT, SKIP, ACCEPT_ALL] : [ACCEPT, SKIP];
      const question = vscode.window.showWarningMessage(
        `Takoss task "${params.taskTitle}" wants to write ${plan.file.path}: ${plan.why}.`,
        ...choices,
      );
      const cancelled = new Promise<undefined>((resolve) => token.onCancellationRequested(() => resolve(undefined)));
      const choice = await Promise.race([question, cancelled]);
      if (token.isCancellationRequested) return undefined;
      return choice === ACCEPT ? 'accept' : choice === ACCEPT_ALL ? 'acceptAll' : choice === SKIP ? 'skip' : undefined;
    } finally {
      await closeDiff(proposedUri);
      this.proposed.release(proposedUri);
      this.proposed.release(currentUri);
    }
  }
}

/** Closes the question's diff editor once answered: its right side no longer exists. */
async function closeDiff(proposedUri: vscode.Uri): Promise<void> {
  const tabs = vscode.window.tabGroups.all.flatMap((group) => group.tabs);
  const diff = tabs.filter(
    (tab) => tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === proposedUri.toString(),
  );
  if (diff.length > 0) await vscode.window.tabGroups.close(diff, true);
}
