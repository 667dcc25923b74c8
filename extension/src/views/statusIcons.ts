/**
 * How chain and task statuses look in trees and the status bar: one codicon and theme colour
 * per status. Pure, so the wording and icons are unit-tested and shared.
 */
import type { ChainStatusView, TaskStatusView } from '../../../server/src/chainSnapshot';

export interface IconView {
  /** Codicon id. */
  readonly id: string;
  /** Theme colour id. */
  readonly color?: string;
}

const TASK_ICONS: Readonly<Record<TaskStatusView, IconView>> = {
  waiting: { id: 'circle-outline', color: 'disabledForeground' },
  queued: { id: 'clock', color: 'testing.iconQueued' },
  running: { id: 'sync~spin', color: 'charts.blue' },
  generated: { id: 'sync~spin', color: 'charts.blue' },
  succeeded: { id: 'pass', color: 'testing.iconPassed' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  skipped: { id: 'debug-step-over', color: 'disabledForeground' },
  cancelled: { id: 'circle-slash', color: 'disabledForeground' },
  // Muted, and not the cancelled icon: a rung an earlier passing verify made unnecessary is no problem.
  unneeded: { id: 'dash', color: 'descriptionForeground' },
};

const CHAIN_ICONS: Readonly<Record<ChainStatusView, IconView>> = {
  queued: { id: 'clock', color: 'testing.iconQueued' },
  running: { id: 'sync~spin', color: 'charts.blue' },
  cancelling: { id: 'sync~spin', color: 'charts.orange' },
  succeeded: { id: 'pass', color: 'testing.iconPassed' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  partial: { id: 'warning', color: 'charts.orange' },
  cancelled: { id: 'circle-slash', color: 'disabledForeground' },
  budget_exceeded: { id: 'warning', color: 'charts.orange' },
};

// Own keys only: a status such as "constructor" must not find Object.prototype's members.
export function taskIcon(status: string): IconView {
  return Object.hasOwn(TASK_ICONS, status) ? TASK_ICONS[status as TaskStatusView] : { id: 'question' };
}

export function chainIcon(status: string): IconView {
  return Object.hasOwn(CHAIN_ICONS, status) ? CHAIN_ICONS[status as ChainStatusView] : { id: 'question' };
}

/** A task that needs nothing more for the chain to finish well: progress counts it as done. */
export function countsAsDone(status: string): boolean {
  return status === 'succeeded' || status === 'unneeded';
}

/** A task status in words for the tree ("unneeded" alone reads like a fault). */
export function describeTaskStatus(status: string): string {
  return status === 'unneeded' ? 'not needed' : status;
}

export function isLive(status: string): boolean {
  return status === 'queued' || status === 'running' || status === 'cancelling';
}

export function formatCost(usd: number): string {
  return usd < 0.01 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

export function formatTokens(count: number): string {
  return count >= 1000 ? `${(count / 1000).toFixed(1)}k tokens` : `${count} tokens`;
}

/** "just now", "5 min ago", "3 h ago", "2 d ago". */
export function formatAge(iso: string, now = Date.now()): string {
  const elapsed = now - Date.parse(iso);
  if (!Number.isFinite(elapsed)) return 'unknown age';
  // Whole units, rounded down, so "59 min ago" never becomes "60 min ago".
  const seconds = Math.max(0, Math.floor(elapsed / 1000));
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}
