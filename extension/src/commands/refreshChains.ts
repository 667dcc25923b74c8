import type { CommandContext } from './commandContext';

/** Takoss: Refresh Chains — reloads the list (it also follows backend notifications on its own). */
export function refreshChains({ chains }: CommandContext) {
  return (): void => chains.invalidateList();
}
