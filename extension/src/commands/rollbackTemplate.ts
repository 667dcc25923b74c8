import * as vscode from 'vscode';
import { TemplateRollbackRequest } from '../../../server/src/protocol';
import type { CommandContext } from './commandContext';
import { chooseTemplate, reportFailure } from './commandTargets';

const ROLL_BACK = 'Roll Back';

/** Takoss: Roll Back Template — moves `production` back to the version before it (history is kept). */
export function rollbackTemplate({ backend, log, refreshTemplates }: CommandContext) {
  return async (argument?: unknown): Promise<void> => {
    try {
      const target = await chooseTemplate(backend, argument, 'Roll Back Template');
      if (!target) return;
      const choice = await vscode.window.showWarningMessage(
        `Roll ${target.name} back to the version before its production one? New chains will use that version.`,
        { modal: true },
        ROLL_BACK,
      );
      if (choice !== ROLL_BACK) return;
      const production = await backend.send(TemplateRollbackRequest, { name: target.name });
      refreshTemplates();
      void vscode.window.showInformationMessage(`Takoss: ${production.name} is back at v${production.version}.`);
    } catch (error) {
      await reportFailure(log, 'Roll Back Template', error);
    }
  };
}
