import * as vscode from 'vscode';
import type { CommandContext } from './commandContext';

/** Takoss: Restart Backend — also the way back after the backend stopped restarting itself. */
export function restartBackend({ backend, log }: CommandContext) {
  return async (): Promise<void> => {
    try {
      await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'Restarting the Takoss backend' },
        () => backend.restart(),
      );
    } catch (error) {
      log.error(`Restart failed: ${String(error)}`);
      void vscode.window.showErrorMessage(`Takoss: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
}
