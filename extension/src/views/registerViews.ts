import * as vscode from 'vscode';
import type { BackendClient } from '../backend/backendClient';
import type { ChainStore } from '../state/chainStore';
import { ChainsTreeProvider } from './chainsTreeProvider';
import { TemplatesTreeProvider } from './templatesTreeProvider';

export interface TakossViews {
  readonly templates: TemplatesTreeProvider;
  readonly chains: ChainsTreeProvider;
  readonly disposables: readonly vscode.Disposable[];
}

/** The sidebar's two trees, registered under the view ids package.json contributes. */
export function registerViews(backend: BackendClient, chains: ChainStore, log: vscode.LogOutputChannel): TakossViews {
  const templatesTree = new TemplatesTreeProvider(backend, log);
  const chainsTree = new ChainsTreeProvider(backend, chains, log);
  return {
    templates: templatesTree,
    chains: chainsTree,
    disposables: [
      templatesTree,
      chainsTree,
      vscode.window.registerTreeDataProvider('takoss.templates', templatesTree),
      vscode.window.registerTreeDataProvider('takoss.chains', chainsTree),
    ],
  };
}
