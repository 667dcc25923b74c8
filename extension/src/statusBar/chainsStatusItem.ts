import * as vscode from 'vscode';
import { CommandIds } from '../commands/commandIds';
import type { ChainStore } from '../state/chainStore';
import { countsAsDone, formatCost } from '../views/statusIcons';

/** Running chains and what they have spent; shown only while a chain runs. Click: the graph. */
export class ChainsStatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('takoss.chains', vscode.StatusBarAlignment.Left, 9);
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly chains: ChainStore) {
    this.item.name = 'Takoss Chains';
    this.subscriptions = [chains.onDidChangeChain(() => this.render()), chains.onDidChangeList(() => this.render())];
    this.render();
  }

  private render(): void {
    const live = this.chains.liveChains();
    if (live.length === 0) {
      this.item.hide();
      return;
    }
    const spent = live.reduce((sum, chain) => sum + chain.usage.costUsd, 0);
    const done = live.reduce((sum, chain) => sum + chain.tasks.filter((task) => countsAsDone(task.status)).length, 0);
    const total = live.reduce((sum, chain) => sum + chain.tasks.length, 0);
    this.item.text = `$(sync~spin) ${live.length} chain${live.length === 1 ? '' : 's'} · ${done}/${total} · ${formatCost(spent)}`;
    this.item.tooltip = live
      .map((chain) => `${chain.request} — ${chain.status}, ${formatCost(chain.usage.costUsd)}`)
      .join('\n');
    this.item.command =
      live.length === 1
        ? { command: CommandIds.showTaskGraph, title: 'Show Task Graph', arguments: [{ chainId: live[0]?.chainId }] }
        : CommandIds.showTaskGraph;
    this.item.accessibilityInformation = { label: `Takoss: ${live.length} running, ${formatCost(spent)} spent` };
    this.item.show();
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.item.dispose();
  }
}
