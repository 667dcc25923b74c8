/**
 * The Chains view as plain data: chains (status, request, cost, age) → tasks (status,
 * attempts, tokens) → files (click opens). Pure, built from backend snapshots and unit-tested;
 * the tree provider only turns it into TreeItems.
 */
import type { ChainSnapshot, TaskSnapshot } from '../../../server/src/chainSnapshot';
import type { ChainSummaryView } from '../../../server/src/protocol';
import { chainIcon, formatAge, formatCost, formatTokens, isLive, taskIcon, type IconView } from './statusIcons';

export type ChainNode =
  | { readonly kind: 'chain'; readonly chainId: string }
  | { readonly kind: 'task'; readonly chainId: string; readonly taskId: string }
  | {
      readonly kind: 'file';
      readonly chainId: string;
      readonly taskId: string;
      readonly path: string;
      readonly workspace: string;
    };

export interface NodeView {
  readonly node: ChainNode;
  readonly label: string;
  readonly description: string;
  readonly tooltip: string;
  readonly icon: IconView;
  /** Drives the context menus (package.json `when` clauses). */
  readonly contextValue: string;
  readonly collapsible: boolean;
  /** Opening a file on click. */
  readonly opensFile?: boolean;
}

const MAX_LABEL = 60;
const shorten = (text: string) => (text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL - 1)}…` : text);

export function chainView(summary: ChainSummaryView, live: ChainSnapshot | undefined, now = Date.now()): NodeView {
  const status = live?.status ?? summary.status;
  const cost = live?.usage.costUsd ?? summary.usage.costUsd;
  const tasks = live?.tasks ?? [];
  const done = tasks.filter((task) => task.status === 'succeeded').length;
  const progress = tasks.length > 0 && isLive(status) ? ` · ${done}/${tasks.length}` : '';
  return {
    node: { kind: 'chain', chainId: summary.chainId },
    label: shorten(summary.request),
    description: `${status.replace('_', ' ')}${progress} · ${formatCost(cost)} · ${formatAge(summary.createdAt, now)}`,
    tooltip: `${summary.request}\n\nChain ${summary.chainId}\nStatus: ${status}\nCost: ${formatCost(cost)}\nFolder: ${summary.workspace}`,
    icon: chainIcon(status),
    contextValue: `chain.${isLive(status) ? 'live' : 'finished'}`,
    collapsible: true,
  };
}

export function taskView(chain: ChainSnapshot, task: TaskSnapshot): NodeView {
  const parts: string[] = [task.status];
  if (task.attempts > 1) parts.push(`${task.attempts} attempts`);
  if (task.usage)
    parts.push(formatTokens(task.usage.inputTokens + task.usage.outputTokens), formatCost(task.usage.costUsd));
  const retryable = task.status === 'failed' || task.status === 'skipped' || task.status === 'cancelled';
  const written = task.files.some((file) => file.action === 'created' || file.action === 'updated');
  return {
    node: { kind: 'task', chainId: chain.chainId, taskId: task.id },
    label: task.title,
    description: parts.join(' · '),
    tooltip: [
      `${task.title} (${task.id})`,
      task.description,
      task.error ? `Error: ${task.error}` : '',
      task.summary ?? '',
    ]
      .filter(Boolean)
      .join('\n\n'),
    icon: taskIcon(task.status),
    contextValue: ['task', retryable ? 'retryable' : '', written ? 'written' : ''].filter(Boolean).join('.'),
    collapsible: task.files.length > 0,
  };
}

export function fileViews(chain: ChainSnapshot, task: TaskSnapshot): NodeView[] {
  return task.files.map((file) => ({
    node: { kind: 'file', chainId: chain.chainId, taskId: task.id, path: file.path, workspace: chain.workspace },
    label: file.path,
    description: file.action,
    tooltip: file.reason ? `${file.path}: ${file.action} — ${file.reason}` : `${file.path}: ${file.action}`,
    icon: { id: file.action === 'skipped' || file.action === 'refused' ? 'warning' : 'file' },
    contextValue: 'file',
    collapsible: false,
    opensFile: file.action !== 'refused',
  }));
}
