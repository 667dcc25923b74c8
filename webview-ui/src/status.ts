import type { CSSProperties } from 'react';
// protocol.ts re-exports only the snapshot types, so the status lists come from their source.
import {
  TASK_STATUSES,
  type ChainStatusView as ChainStatus,
  type TaskStatusView as TaskStatus,
} from '../../server/src/chainSnapshot';

export type { ChainStatus, TaskStatus };

export interface StatusAppearance {
  readonly label: string;
  /** A CSS colour expression built only from VS Code theme variables (fallbacks for outside VS Code). */
  readonly color: string;
  /** What the status means, where the label alone could be misread (legend and panel tooltips). */
  readonly description?: string;
}

export const TASK_STATUS_APPEARANCE: Readonly<Record<TaskStatus, StatusAppearance>> = {
  waiting: { label: 'Waiting', color: 'var(--vscode-disabledForeground, #8b8b8b)' },
  queued: { label: 'Queued', color: 'var(--vscode-testing-iconQueued, var(--vscode-charts-yellow, #cca700))' },
  running: { label: 'Running', color: 'var(--vscode-charts-blue, #3794ff)' },
  generated: { label: 'Generated', color: 'var(--vscode-charts-purple, #b180d7)' },
  succeeded: { label: 'Succeeded', color: 'var(--vscode-testing-iconPassed, var(--vscode-charts-green, #388a34))' },
  failed: { label: 'Failed', color: 'var(--vscode-testing-iconFailed, var(--vscode-charts-red, #f14c4c))' },
  skipped: { label: 'Skipped', color: 'var(--vscode-charts-orange, #d18616)' },
  cancelled: { label: 'Cancelled', color: 'var(--vscode-descriptionForeground, #9d9d9d)' },
  // Muted, and dashed in styles.css: a rung of the verify ladder an earlier passing verify made moot.
  unneeded: {
    label: 'Not needed',
    color: 'var(--vscode-disabledForeground, #8b8b8b)',
    description: 'Not needed: an earlier verify passed or could not run, so this step did not run. Not a failure.',
  },
};

export const CHAIN_STATUS_APPEARANCE: Readonly<Record<ChainStatus, StatusAppearance>> = {
  queued: TASK_STATUS_APPEARANCE.queued,
  running: TASK_STATUS_APPEARANCE.running,
  cancelling: { label: 'Cancelling', color: TASK_STATUS_APPEARANCE.cancelled.color },
  succeeded: TASK_STATUS_APPEARANCE.succeeded,
  failed: TASK_STATUS_APPEARANCE.failed,
  partial: { label: 'Partly built', color: TASK_STATUS_APPEARANCE.skipped.color },
  cancelled: TASK_STATUS_APPEARANCE.cancelled,
  budget_exceeded: { label: 'Budget exceeded', color: TASK_STATUS_APPEARANCE.failed.color },
};

/** In legend order. */
export const TASK_STATUS_LIST: readonly TaskStatus[] = TASK_STATUSES;

/** Tasks that ended well: they did their work, or it was not needed. */
export function isSettledOk(status: TaskStatus): boolean {
  return status === 'succeeded' || status === 'unneeded';
}

/** Tasks the user may run again. */
export function isRetryable(status: TaskStatus): boolean {
  return status === 'failed' || status === 'skipped' || status === 'cancelled';
}

/** A chain that can still be stopped. */
export function isChainActive(status: ChainStatus): boolean {
  return status === 'queued' || status === 'running';
}

/** Sets `--status-color` for the element; the stylesheet decides where the colour goes. */
export function statusColorStyle(appearance: StatusAppearance): CSSProperties {
  return { '--status-color': appearance.color } as CSSProperties;
}
