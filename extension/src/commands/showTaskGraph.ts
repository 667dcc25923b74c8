import type { CommandContext } from './commandContext';
import { chooseChain, reportFailure } from './commandTargets';

/** Takoss: Show Task Graph — the live graph of a chain (from the tree, the summary, or a pick). */
export function showTaskGraph({ chains, graphs, log }: CommandContext) {
  return async (argument?: unknown): Promise<void> => {
    try {
      const target = await chooseChain(chains, argument, { title: 'Show Task Graph' });
      if (target) await graphs.show(target.chainId);
    } catch (error) {
      await reportFailure(log, 'Show Task Graph', error);
    }
  };
}
