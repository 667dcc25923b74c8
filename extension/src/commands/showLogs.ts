import type { CommandContext } from './commandContext';

/** Takoss: Show Logs — the "Takoss" output channel, where the backend logs too. */
export function showLogs({ log }: CommandContext) {
  return (): void => log.show(true);
}
