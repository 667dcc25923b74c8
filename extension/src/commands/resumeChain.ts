import { ChainResumeRequest } from '../../../server/src/protocol';
import type { CommandContext } from './commandContext';
import { chooseChain, reportFailure } from './commandTargets';

/** Takoss: Resume Chain — runs the unfinished tasks of a stopped chain again, in this window. */
export function resumeChain({ backend, chains, graphs, log }: CommandContext) {
  return async (argument?: unknown): Promise<void> => {
    try {
      const target = await chooseChain(chains, argument, { title: 'Resume Chain', only: 'finished' });
      if (!target) return;
      chains.accept(undefined, await backend.send(ChainResumeRequest, { chainId: target.chainId }));
      await graphs.show(target.chainId);
    } catch (error) {
      await reportFailure(log, 'Resume Chain', error);
    }
  };
}
