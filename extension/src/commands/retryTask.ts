import * as vscode from 'vscode';
import type { ChainSnapshot } from '../../../server/src/chainSnapshot';
import { ChainRetryTaskRequest } from '../../../server/src/protocol';
import type { CommandContext } from './commandContext';
import { chooseChain, reportFailure } from './commandTargets';

const RETRYABLE = new Set(['failed', 'skipped', 'cancelled']);

/** Takoss: Retry Task — runs a failed, skipped or cancelled task (and what waits on it) again. */
export function retryTask({ backend, chains, log }: CommandContext) {
  return async (argument?: unknown): Promise<void> => {
    try {
      const target = await chooseChain(chains, argument, { title: 'Retry Task' });
      if (!target) return;
      const taskId = target.taskId ?? (await pickRetryable((await chains.get(target.chainId)).chain));
      if (!taskId) return;
      chains.accept(undefined, await backend.send(ChainRetryTaskRequest, { chainId: target.chainId, taskId }));
    } catch (error) {
      await reportFailure(log, 'Retry Task', error);
    }
  };
}

async function pickRetryable(chain: ChainSnapshot): Promise<string | undefined> {
  const tasks = chain.tasks.filter((task) => RETRYABLE.has(task.status));
  if (tasks.length === 0) {
    void vscode.window.showInformationMessage('Takoss: no task of this chain failed, was skipped or was cancelled.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    tasks.map((task) => ({ label: task.title, description: task.status, detail: task.error, taskId: task.id })),
    { title: 'Retry Task', placeHolder: 'Which task should run again?' },
  );
  return picked?.taskId;
}
