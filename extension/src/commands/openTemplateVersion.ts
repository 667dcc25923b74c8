import * as vscode from 'vscode';
import { TemplateGetRequest } from '../../../server/src/protocol';
import { templateVersionUri } from '../templates/templateFileSystem';
import type { CommandContext } from './commandContext';
import { chooseTemplate, reportFailure } from './commandTargets';

/** Takoss: Open Template Version — a version as a read-only document (the production one if none is named). */
export function openTemplateVersion({ backend, log }: CommandContext) {
  return async (argument?: unknown): Promise<void> => {
    try {
      const target = await chooseTemplate(backend, argument, 'Open Template Version');
      if (!target) return;
      const version = target.version ?? (await backend.send(TemplateGetRequest, { name: target.name })).version;
      await vscode.window.showTextDocument(templateVersionUri(target.name, version), { preview: true });
    } catch (error) {
      await reportFailure(log, 'Open Template Version', error);
    }
  };
}
