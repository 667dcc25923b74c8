/**
 * Every command the extension registers. The manifest test checks this list against
 * `contributes.commands` in package.json and against what activation registers.
 */
export const CommandIds = {
  buildApp: 'takoss.buildApp',
  setApiKey: 'takoss.setApiKey',
  showLogs: 'takoss.showLogs',
  restartBackend: 'takoss.restartBackend',
} as const;

export type CommandId = (typeof CommandIds)[keyof typeof CommandIds];
