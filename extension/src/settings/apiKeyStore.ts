import type * as vscode from 'vscode';

const SECRET_KEY = 'takoss.anthropicApiKey';

/**
 * The Anthropic API key lives in VS Code's SecretStorage (the OS keychain), never in
 * settings. It reaches the backend only through the forked process's environment.
 */
export class ApiKeyStore {
  readonly onDidChange: vscode.Event<vscode.SecretStorageChangeEvent>;

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.onDidChange = (listener, thisArgs, disposables) =>
      secrets.onDidChange(
        (event) => {
          if (event.key === SECRET_KEY) listener.call(thisArgs, event);
        },
        undefined,
        disposables,
      );
  }

  get(): Thenable<string | undefined> {
    return this.secrets.get(SECRET_KEY);
  }

  store(key: string): Thenable<void> {
    return this.secrets.store(SECRET_KEY, key);
  }

  delete(): Thenable<void> {
    return this.secrets.delete(SECRET_KEY);
  }
}

/** Why a pasted key cannot be right, or undefined when it looks usable. */
export function validateApiKey(value: string): string | undefined {
  const key = value.trim();
  if (key === '') return 'Paste your Anthropic API key (it starts with sk-ant-).';
  if (/\s/.test(key)) return 'The key must not contain spaces or line breaks.';
  if (key.length < 20) return 'That is too short to be an Anthropic API key.';
  return undefined;
}
