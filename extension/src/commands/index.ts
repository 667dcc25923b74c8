import * as vscode from 'vscode';
import { buildApp } from './buildApp';
import type { CommandContext } from './commandContext';
import { CommandIds, type CommandId } from './commandIds';
import { restartBackend } from './restartBackend';
import { setApiKey } from './setApiKey';
import { showLogs } from './showLogs';

type CommandFactory = (context: CommandContext) => (...args: unknown[]) => unknown;

/** The one registration point: every id in CommandIds maps to its handler here. */
const commandFactories: { readonly [K in CommandId]: CommandFactory } = {
  [CommandIds.buildApp]: buildApp,
  [CommandIds.setApiKey]: setApiKey,
  [CommandIds.showLogs]: showLogs,
  [CommandIds.restartBackend]: restartBackend,
};

export function registerCommands(context: CommandContext): vscode.Disposable[] {
  return Object.entries(commandFactories).map(([id, factory]) => vscode.commands.registerCommand(id, factory(context)));
}
