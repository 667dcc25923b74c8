import * as vscode from 'vscode';
import { buildApp } from './buildApp';
import { cancelChain } from './cancelChain';
import { cleanupChain } from './cleanupChain';
import type { CommandContext } from './commandContext';
import { CommandIds, type CommandId } from './commandIds';
import { editTemplate } from './editTemplate';
import { inspectContext } from './inspectContext';
import { newTemplate } from './newTemplate';
import { openTaskFile } from './openTaskFile';
import { openTemplateVersion } from './openTemplateVersion';
import { refreshChains } from './refreshChains';
import { refreshTemplates } from './refreshTemplates';
import { restartBackend } from './restartBackend';
import { resumeChain } from './resumeChain';
import { retryTask } from './retryTask';
import { rollbackTemplate } from './rollbackTemplate';
import { searchTemplates } from './searchTemplates';
import { setApiKey } from './setApiKey';
import { setProductionVersion } from './setProductionVersion';
import { showLogs } from './showLogs';
import { showTaskGraph } from './showTaskGraph';
import { showTemplateAnalytics } from './showTemplateAnalytics';
import { startServices } from './startServices';

type CommandFactory = (context: CommandContext) => (...args: unknown[]) => unknown;

/** The one registration point: every id in CommandIds maps to its handler here. */
const commandFactories: { readonly [K in CommandId]: CommandFactory } = {
  [CommandIds.buildApp]: buildApp,
  [CommandIds.setApiKey]: setApiKey,
  [CommandIds.showLogs]: showLogs,
  [CommandIds.restartBackend]: restartBackend,
  [CommandIds.startServices]: startServices,
  [CommandIds.showTaskGraph]: showTaskGraph,
  [CommandIds.inspectContext]: inspectContext,
  [CommandIds.resumeChain]: resumeChain,
  [CommandIds.cancelChain]: cancelChain,
  [CommandIds.retryTask]: retryTask,
  [CommandIds.cleanupChain]: cleanupChain,
  [CommandIds.openTaskFile]: openTaskFile,
  [CommandIds.refreshChains]: refreshChains,
  [CommandIds.openTemplateVersion]: openTemplateVersion,
  [CommandIds.editTemplate]: editTemplate,
  [CommandIds.newTemplate]: newTemplate,
  [CommandIds.searchTemplates]: searchTemplates,
  [CommandIds.setProductionVersion]: setProductionVersion,
  [CommandIds.rollbackTemplate]: rollbackTemplate,
  [CommandIds.showTemplateAnalytics]: showTemplateAnalytics,
  [CommandIds.refreshTemplates]: refreshTemplates,
};

export function registerCommands(context: CommandContext): vscode.Disposable[] {
  return Object.entries(commandFactories).map(([id, factory]) => vscode.commands.registerCommand(id, factory(context)));
}
