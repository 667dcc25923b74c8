/**
 * Every command the extension registers. The manifest test checks this list against
 * `contributes.commands` in package.json and against what activation registers; the
 * end-to-end tests drive the extension by these ids.
 */
export const CommandIds = {
  buildApp: 'takoss.buildApp',
  setApiKey: 'takoss.setApiKey',
  showLogs: 'takoss.showLogs',
  restartBackend: 'takoss.restartBackend',
  startServices: 'takoss.startServices',
  // Chains
  showTaskGraph: 'takoss.showTaskGraph',
  inspectContext: 'takoss.inspectContext',
  resumeChain: 'takoss.resumeChain',
  cancelChain: 'takoss.cancelChain',
  retryTask: 'takoss.retryTask',
  cleanupChain: 'takoss.cleanupChain',
  openTaskFile: 'takoss.openTaskFile',
  refreshChains: 'takoss.refreshChains',
  // Templates
  openTemplateVersion: 'takoss.openTemplateVersion',
  editTemplate: 'takoss.editTemplate',
  newTemplate: 'takoss.newTemplate',
  searchTemplates: 'takoss.searchTemplates',
  setProductionVersion: 'takoss.setProductionVersion',
  rollbackTemplate: 'takoss.rollbackTemplate',
  showTemplateAnalytics: 'takoss.showTemplateAnalytics',
  refreshTemplates: 'takoss.refreshTemplates',
} as const;

export type CommandId = (typeof CommandIds)[keyof typeof CommandIds];
