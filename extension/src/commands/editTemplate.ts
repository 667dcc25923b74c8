import * as vscode from 'vscode';
import { templateEditUri } from '../templates/templateFileSystem';
import type { CommandContext } from './commandContext';
import { chooseTemplate, reportFailure } from './commandTargets';

/** Takoss: Edit Template — opens the production version for editing; saving adds a new version. */
export function editTemplate({ backend, log }: CommandContext) {
  return async (argument?: unknown): Promise<void> => {
    try {
      const target = await chooseTemplate(backend, argument, 'Edit Template');
      if (target) await vscode.window.showTextDocument(templateEditUri(target.name), { preview: false });
    } catch (error) {
      await reportFailure(log, 'Edit Template', error);
    }
  };
}
