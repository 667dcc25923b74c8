import * as vscode from 'vscode';
import { SETTING_KEYS, type SettingKey } from '../../../server/src/protocol';

/**
 * The `takoss.*` settings the user set explicitly. Unset ones are left out, so the backend
 * can fall back to its environment (REDIS_URL, DATABASE_URL, …) and then to its defaults.
 * In an untrusted workspace only user-level values count: a repository must not decide
 * where Takoss connects (package.json also lists them as restricted configurations).
 */
export function readExplicitSettings(): Partial<Record<SettingKey, unknown>> {
  const configuration = vscode.workspace.getConfiguration('takoss');
  const trusted = vscode.workspace.isTrusted;
  const settings: Partial<Record<SettingKey, unknown>> = {};
  for (const key of SETTING_KEYS) {
    const inspected = configuration.inspect(key);
    const value = trusted
      ? (inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue)
      : inspected?.globalValue;
    if (value !== undefined) settings[key] = value;
  }
  return settings;
}

export function affectsBackendSettings(event: vscode.ConfigurationChangeEvent): boolean {
  return SETTING_KEYS.some((key) => event.affectsConfiguration(`takoss.${key}`));
}
