import * as vscode from 'vscode';
import { TemplateCreateRequest } from '../../../server/src/protocol';
import { TEMPLATE_CATEGORIES, TEMPLATE_NAME } from '../../../server/src/templates/types';
import { templateEditUri } from '../templates/templateFileSystem';
import type { CommandContext } from './commandContext';
import { reportFailure } from './commandTargets';

const STARTER_TEXT = 'Implement {{title}}.\n\n{{description}}\n';

/** Takoss: New Template — asks for category, name and description, creates v1 and opens it for editing. */
export function newTemplate({ backend, log }: CommandContext) {
  return async (): Promise<void> => {
    const category = await vscode.window.showQuickPick([...TEMPLATE_CATEGORIES], {
      title: 'New Template (1/3)',
      placeHolder: 'Category',
    });
    if (!category) return;
    const shortName = await vscode.window.showInputBox({
      title: 'New Template (2/3)',
      prompt: `Name within ${category}: lowercase letters, digits and "-"`,
      placeHolder: 'react-component',
      validateInput: (value) =>
        TEMPLATE_NAME.test(`${category}/${value}`)
          ? undefined
          : 'Use lowercase letters, digits and "-", like "react-form".',
    });
    if (!shortName) return;
    const description = await vscode.window.showInputBox({
      title: 'New Template (3/3)',
      prompt: 'What the template is for, in one sentence',
      validateInput: (value) => (value.trim() ? undefined : 'A short description helps search find it.'),
    });
    if (!description) return;
    try {
      const created = await backend.send(TemplateCreateRequest, {
        name: `${category}/${shortName}`,
        category,
        description: description.trim(),
        text: STARTER_TEXT,
        variables: [
          { name: 'title', description: 'The task title', required: true },
          { name: 'description', description: 'What the task must do', required: true },
        ],
      });
      await vscode.window.showTextDocument(templateEditUri(created.name), { preview: false });
    } catch (error) {
      await reportFailure(log, 'New Template', error);
    }
  };
}
