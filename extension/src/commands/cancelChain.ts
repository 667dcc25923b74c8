import * as vscode from 'vscode';
import { ChainCancelRequest } from '../../../server/src/protocol';
import type { CommandContext } from './commandContext';
import { chooseChain, reportFailure } from './commandTargets';

const CANCEL = 'Cancel Chain';

/** Takoss: Cancel Chain — stops a running chain after asking; running tasks end, nothing new starts. */
export function cancelChain({ backend, chains, log }: CommandContext) {
  return async (argument?: unknown): Promise<void> => {
    try {
      const target = await chooseChain(chains, argument, { title: 'Cancel Chain', only: 'live' });
      if (!target) return;
      const request = chains.peek(target.chainId)?.chain.request ?? target.chainId;
      const choice = await vscode.window.showWarningMessage(
        `Cancel "${request}"? Tasks that are running are stopped; files already written stay.`,
        { modal: true },
        CANCEL,
      );
      if (choice !== CANCEL) return;
      const { status } = await backend.send(ChainCancelRequest, { chainId: target.chainId });
      log.info(`Chain ${target.chainId}: ${status}.`);
    } catch (error) {
      await reportFailure(log, 'Cancel Chain', error);
    }
  };
}
