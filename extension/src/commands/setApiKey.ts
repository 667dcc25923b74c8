import * as vscode from 'vscode';
import { validateApiKey } from '../settings/apiKeyStore';
import type { CommandContext } from './commandContext';

/**
 * Takoss: Set Anthropic API Key — stores the key in SecretStorage (extension.ts restarts a
 * running backend on the change). The key is never shown, logged or written to settings.
 */
export function setApiKey({ apiKeys, log }: CommandContext) {
  return async (): Promise<void> => {
    const hasKey = (await apiKeys.get()) !== undefined;
    const value = await vscode.window.showInputBox({
      title: 'Takoss: Anthropic API Key',
      prompt: hasKey
        ? 'A key is stored. Paste a new key to replace it; it is kept in your OS keychain.'
        : 'Paste your Anthropic API key; it is kept in your OS keychain, never in settings.',
      placeHolder: 'sk-ant-…',
      password: true,
      ignoreFocusOut: true,
      validateInput: validateApiKey,
    });
    if (value === undefined) return;
    await apiKeys.store(value.trim());
    log.info('Anthropic API key stored in SecretStorage.');
    void vscode.window.showInformationMessage('Takoss: Anthropic API key saved.');
  };
}
