import type { CommandContext } from './commandContext';

/** Takoss: Refresh Templates — reloads the library (it also follows backend notifications on its own). */
export function refreshTemplates({ refreshTemplates: refresh }: CommandContext) {
  return (): void => refresh();
}
