import * as vscode from 'vscode';
import type { CommandContext } from './commandContext';

/**
 * Takoss: Start Services — runs `docker compose up -d` with the docker-compose.yml that ships
 * with the extension (Redis with noeviction, PostgreSQL), in a terminal the user can watch.
 */
export function startServices({ extensionUri }: CommandContext) {
  return (): void => {
    const compose = vscode.Uri.joinPath(extensionUri, 'docker-compose.yml').fsPath;
    const terminal = vscode.window.createTerminal({ name: 'Takoss services' });
    terminal.show();
    terminal.sendText(`docker compose -f "${compose}" up -d`);
  };
}
