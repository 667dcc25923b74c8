import * as vscode from 'vscode';
import type { VerifyMode } from '../../../server/src/config';
import { SETTING_KEYS, type SettingKey } from '../../../server/src/protocol';
import { parseVerifyMode } from '../workspace/verifyPolicy';

/**
 * The `takoss.*` settings the user set explicitly. Unset ones are left out, so the backend
 * can fall back to its environment (REDIS_URL, DATABASE_URL, …) and then to its defaults.
 * In an untrusted workspace only user-level values count: a repository must not decide
 * where Takoss connects (package.json also lists them as restricted configurations).
 */
export function readExplicitSettings(): Partial<Record<SettingKey, unknown>> {
  const configuration = vscode.workspace.getConfiguration('takoss');
  const settings: Partial<Record<SettingKey, unknown>> = {};
  for (const key of SETTING_KEYS) {
    const value = explicitValue(configuration, key);
    if (value !== undefined) settings[key] = value;
  }
  return settings;
}

/**
 * `takoss.verify` as it is now, read the way the backend gets it: an untrusted workspace's
 * own value is ignored (it must not turn on `always`), and unset means the default, `ask`.
 */
export function readVerifyMode(): VerifyMode {
  return parseVerifyMode(explicitValue(vscode.workspace.getConfiguration('takoss'), 'verify'));
}

/**
 * What a build takes from the verify settings as they are when it starts (Build App sends
 * them): the mode, and the repair rounds when set (the backend validates them).
 */
export function readVerifySettings(): { verify: VerifyMode; maxRepairs?: number } {
  const maxRepairs = explicitValue(vscode.workspace.getConfiguration('takoss'), 'maxRepairs');
  return { verify: readVerifyMode(), ...(typeof maxRepairs === 'number' ? { maxRepairs } : {}) };
}

/** Whether the change touches a setting the backend reads, other than those in `except`. */
export function affectsBackendSettings(
  event: vscode.ConfigurationChangeEvent,
  except: readonly SettingKey[] = [],
): boolean {
  return SETTING_KEYS.some((key) => !except.includes(key) && event.affectsConfiguration(`takoss.${key}`));
}

function explicitValue(configuration: vscode.WorkspaceConfiguration, key: SettingKey): unknown {
  const inspected = configuration.inspect(key);
  return vscode.workspace.isTrusted
    ? (inspected?.workspaceFolderValue ?? inspected?.workspaceValue ?? inspected?.globalValue)
    : inspected?.globalValue;
}
