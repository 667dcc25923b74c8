import * as vscode from 'vscode';
import { ChainCleanupRequest } from '../../../server/src/protocol';
import type { CommandContext } from './commandContext';
import { chooseChain, reportFailure } from './commandTargets';

const CLEAN_UP = 'Clean Up';

/** Takoss: Clean Up Chain Context — deletes a finished chain's context from Redis; its record and files stay. */
export function cleanupChain({ backend, chains, log }: CommandContext) {
  return async (argument?: unknown): Promise<void> => {
    try {
      const target = await chooseChain(chains, argument, { title: 'Clean Up Chain Context', only: 'finished' });
      if (!target) return;
      const choice = await vscode.window.showWarningMessage(
        'Delete this chain\u2019s context (task results and history) from Redis? Written files and the chain\u2019s record stay; it can no longer be resumed.',
        { modal: true },
        CLEAN_UP,
      );
      if (choice !== CLEAN_UP) return;
      const { keysRemoved } = await backend.send(ChainCleanupRequest, { chainId: target.chainId });
      chains.forget(target.chainId);
      void vscode.window.showInformationMessage(`Takoss: removed ${keysRemoved} keys of the chain's context.`);
    } catch (error) {
      await reportFailure(log, 'Clean Up Chain Context', error);
    }
  };
}
