import type * as vscode from 'vscode';

/**
 * What `activate` returns, for other extensions and for the extension-host tests: read-only
 * access to what the sidebar shows. Nothing here writes, and nothing reveals the API key.
 */
export interface TakossApi {
  /** Categories → templates → versions, exactly as the Templates view renders them. */
  readonly templatesTree: vscode.TreeDataProvider<unknown>;
  /** Chains → tasks → files, exactly as the Chains view renders them. */
  readonly chainsTree: vscode.TreeDataProvider<unknown>;
}
