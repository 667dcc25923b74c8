/**
 * What the extension knows about its backend, and how that reads to the user. Pure (no
 * `vscode` import) so the status bar and the trees share one wording and it is unit-tested.
 */
import type { HealthReport, ServiceStatus } from '../../../server/src/protocol';

export type BackendState =
  | { readonly kind: 'stopped' }
  | { readonly kind: 'starting' }
  | { readonly kind: 'running'; readonly health: HealthReport }
  | { readonly kind: 'restarting'; readonly attempt: number; readonly delayMs: number }
  | { readonly kind: 'failed'; readonly reason: string };

export type Severity = 'ok' | 'busy' | 'warning' | 'error';

export interface BackendStateView {
  /** Short text for the status bar, after the icon. */
  readonly summary: string;
  /** Codicon id. */
  readonly icon: string;
  readonly severity: Severity;
  /** One line per fact, for tooltips and tree items. */
  readonly details: readonly string[];
  /** The first thing the user should fix, if anything. */
  readonly problem?: string;
}

function serviceLabel(name: string, status: ServiceStatus): string {
  switch (status.state) {
    case 'ok':
      return `${name}: ${status.target} — ${status.detail}`;
    case 'pending':
      return `${name}: ${status.target} — checking…`;
    case 'unavailable':
    case 'misconfigured':
      return `${name}: ${status.detail}`;
  }
}

function shortProblem(health: HealthReport): string {
  if (health.configError) return 'settings invalid';
  if (health.redis.state === 'unavailable') return 'Redis down';
  if (health.redis.state === 'misconfigured') return 'Redis misconfigured';
  if (health.postgres.state === 'unavailable') return 'PostgreSQL down';
  return 'PostgreSQL misconfigured';
}

export function describeBackendState(state: BackendState): BackendStateView {
  switch (state.kind) {
    case 'stopped':
      return {
        summary: 'Takoss',
        icon: 'circle-outline',
        severity: 'ok',
        details: ['Backend not started: it starts with the first Takoss command or view.'],
      };
    case 'starting':
      return { summary: 'Takoss: starting', icon: 'sync~spin', severity: 'busy', details: ['Starting the backend…'] };
    case 'restarting':
      return {
        summary: 'Takoss: restarting',
        icon: 'sync~spin',
        severity: 'warning',
        details: [
          `The backend stopped unexpectedly; restart ${state.attempt} in ${Math.round(state.delayMs / 1000)} s.`,
        ],
        problem: 'The Takoss backend stopped unexpectedly and is being restarted. See the logs for why.',
      };
    case 'failed':
      return {
        summary: 'Takoss: stopped',
        icon: 'error',
        severity: 'error',
        details: [state.reason],
        problem: state.reason,
      };
    case 'running':
      return describeHealth(state.health);
  }
}

function describeHealth(health: HealthReport): BackendStateView {
  const details = health.configError
    ? [health.configError]
    : [serviceLabel('Redis', health.redis), serviceLabel('PostgreSQL', health.postgres)];
  details.push(`Anthropic API key: ${health.apiKey.detail}`);
  switch (health.phase) {
    case 'starting':
      return { summary: 'Takoss: starting', icon: 'sync~spin', severity: 'busy', details };
    case 'ready':
      return { summary: 'Takoss', icon: 'check', severity: 'ok', details };
    case 'degraded': {
      const failing = [health.redis, health.postgres].find(
        (status) => status.state !== 'ok' && status.state !== 'pending',
      );
      const problem = health.configError ?? failing?.detail ?? 'A service Takoss needs is not usable.';
      return { summary: `Takoss: ${shortProblem(health)}`, icon: 'warning', severity: 'error', details, problem };
    }
  }
}
