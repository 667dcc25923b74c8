import * as vscode from 'vscode';
import { TemplateSearchRequest } from '../../../server/src/protocol';
import { CommandIds } from './commandIds';
import type { CommandContext } from './commandContext';
import { reportFailure } from './commandTargets';

const DEBOUNCE_MS = 150;

/** Takoss: Search Templates — a quick pick over the library's full-text search; choosing opens the template. */
export function searchTemplates({ backend, log }: CommandContext) {
  return async (): Promise<void> => {
    const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { name: string }>();
    pick.title = 'Search Templates';
    pick.placeholder = 'Words to look for, e.g. "react form validation"';
    pick.matchOnDescription = true;
    pick.matchOnDetail = true;
    let timer: NodeJS.Timeout | undefined;
    let latest = 0;
    pick.onDidChangeValue((query) => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        const asked = ++latest;
        if (!query.trim()) {
          pick.items = [];
          return;
        }
        pick.busy = true;
        backend
          .send(TemplateSearchRequest, { query })
          .then((hits) => {
            if (asked !== latest) return;
            // The backend ranked them; keep its order instead of the quick pick's own filter.
            pick.items = hits.map((hit) => ({
              label: hit.name,
              description: hit.category,
              detail: hit.description,
              name: hit.name,
              alwaysShow: true,
            }));
          })
          .catch((error: unknown) => void reportFailure(log, 'Search Templates', error))
          .finally(() => {
            if (asked === latest) pick.busy = false;
          });
      }, DEBOUNCE_MS);
    });
    const chosen = await new Promise<string | undefined>((resolve) => {
      pick.onDidAccept(() => {
        resolve(pick.selectedItems[0]?.name);
        pick.hide();
      });
      pick.onDidHide(() => resolve(undefined));
      pick.show();
    });
    clearTimeout(timer);
    pick.dispose();
    if (chosen) await vscode.commands.executeCommand(CommandIds.openTemplateVersion, { name: chosen });
  };
}
