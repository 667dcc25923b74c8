/**
 * Build App after the chain started: task progress in the notification until the chain
 * ends (or the backend goes away), then a summary of what was written and verified.
 */
import * as vscode from 'vscode';
import type { ChainSnapshot } from '../../../server/src/chainSnapshot';
import { ChainCancelRequest } from '../../../server/src/protocol';
import { isLive } from '../views/statusIcons';
import { describeProgress, summarizeChain } from './buildSummary';
import type { CommandContext } from './commandContext';
import { CommandIds } from './commandIds';
import { reportFailure } from './commandTargets';

const OPEN_FILES = 'Open Files';
const SHOW_GRAPH = 'Show Graph';
const SET_KEY = 'Set API Key';
const RESUME = 'Resume Chain';

export interface FollowedBuild {
  readonly chain: ChainSnapshot;
  /** The backend stopped or restarted before the chain ended; its record and context remain. */
  readonly interrupted: boolean;
}

/** Reports task progress until the chain ends; Cancel asks the backend to stop the chain. */
export function followBuild(
  { backend, chains, log }: CommandContext,
  started: ChainSnapshot,
  progress: vscode.Progress<{ message?: string; increment?: number }>,
  token: vscode.CancellationToken,
): Promise<FollowedBuild> {
  return new Promise((resolve) => {
    let latest = chains.peek(started.chainId)?.chain ?? started;
    let done = 0;
    const subscriptions: vscode.Disposable[] = [];
    const finish = (interrupted: boolean) => {
      for (const subscription of subscriptions) subscription.dispose();
      resolve({ chain: latest, interrupted });
    };
    const report = (chain: ChainSnapshot) => {
      latest = chain;
      const now = describeProgress(chain);
      progress.report({
        message: now.message,
        increment: ((now.done - done) / Math.max(1, chain.tasks.length)) * 100,
      });
      done = now.done;
      if (!isLive(chain.status)) finish(false);
    };
    subscriptions.push(
      chains.onDidChangeChain(({ chain }) => {
        if (chain.chainId === started.chainId) report(chain);
      }),
      // A backend that stops or restarts no longer drives this chain: stop waiting for it.
      backend.onDidChangeState((state) => {
        if (state.kind !== 'running') finish(true);
      }),
      token.onCancellationRequested(() => {
        progress.report({ message: 'cancelling…' });
        backend.send(ChainCancelRequest, { chainId: started.chainId }).catch((error: unknown) => {
          void reportFailure(log, 'Cancel', error);
          finish(true);
        });
      }),
    );
    report(latest);
  });
}

export async function summarizeBuild({ graphs }: CommandContext, { chain, interrupted }: FollowedBuild): Promise<void> {
  if (interrupted) {
    const choice = await vscode.window.showWarningMessage(
      `Takoss stopped following "${chain.request}": the backend stopped or restarted. Finished tasks and their files are kept; resume to run the rest.`,
      RESUME,
      SHOW_GRAPH,
    );
    if (choice === RESUME) await vscode.commands.executeCommand(CommandIds.resumeChain, { chainId: chain.chainId });
    if (choice === SHOW_GRAPH) await graphs.show(chain.chainId);
    return;
  }
  const summary = summarizeChain(chain);
  const show = summary.warning ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  const choice = await show(
    summary.message,
    ...(summary.keyRejected ? [SET_KEY] : []),
    ...(summary.filesWritten > 0 ? [OPEN_FILES] : []),
    SHOW_GRAPH,
  );
  if (choice === SET_KEY) await vscode.commands.executeCommand(CommandIds.setApiKey);
  if (choice === SHOW_GRAPH) await graphs.show(chain.chainId);
  if (choice === OPEN_FILES) await vscode.commands.executeCommand(CommandIds.openTaskFile, { chainId: chain.chainId });
}
