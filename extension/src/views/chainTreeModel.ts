/**
 * The Chains view as plain data: chains (status, verification, request, cost, age) → tasks
 * (status or what a verify found, attempts, tokens) → files (click opens). Pure, built from
 * backend snapshots and unit-tested; the tree provider only turns it into TreeItems.
 */
import type {
  ChainSnapshot,
  ChainVerificationOutcome,
  ChainVerificationView,
  TaskSnapshot,
  VerifyTaskView,
} from '../../../server/src/chainSnapshot';
import type { ChainSummaryView } from '../../../server/src/protocol';
import {
  chainIcon,
  countsAsDone,
  describeTaskStatus,
  formatAge,
  formatCost,
  formatTokens,
  isLive,
  taskIcon,
  type IconView,
} from './statusIcons';

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
  const done = tasks.filter((task) => countsAsDone(task.status)).length;
  const progress = tasks.length > 0 && isLive(status) ? ` · ${done}/${tasks.length}` : '';
  // The live snapshot says more (the step, the summary); the list has the outcome alone.
  const verification: Partial<ChainVerificationView> | undefined =
    live?.verification ?? (summary.verification ? { outcome: summary.verification } : undefined);
  const checked = verification?.outcome ? ` · ${VERIFICATION_WORDS[verification.outcome]}` : '';
  return {
    node: { kind: 'chain', chainId: summary.chainId },
    label: shorten(summary.request),
    description: `${status.replace('_', ' ')}${progress}${checked} · ${formatCost(cost)} · ${formatAge(summary.createdAt, now)}`,
    tooltip: [
      `${summary.request}\n`,
      `Chain ${summary.chainId}`,
      `Status: ${status}`,
      ...(verification?.outcome ? [`Verification: ${describeVerification(verification)}`] : []),
      `Cost: ${formatCost(cost)}`,
      `Folder: ${summary.workspace}`,
    ].join('\n'),
    // A chain that built everything but whose app fails its own checks must not look all green.
    icon:
      status === 'succeeded' && verification?.outcome === 'verify_failed'
        ? { id: 'warning', color: 'charts.orange' }
        : chainIcon(status),
    contextValue: `chain.${isLive(status) ? 'live' : 'finished'}`,
    collapsible: true,
  };
}

const VERIFICATION_WORDS: Readonly<Record<ChainVerificationOutcome, string>> = {
  verified: 'verified',
  verify_failed: 'verify failed',
  not_verified: 'not verified',
};

/** "verify failed at test — 2 of 9 tests failed (2 repairs)", as much as is known. */
function describeVerification(verification: Partial<ChainVerificationView>): string {
  const outcome = verification.outcome ? VERIFICATION_WORDS[verification.outcome] : 'unknown';
  const step = verification.outcome === 'verify_failed' && verification.step ? ` at ${verification.step}` : '';
  const summary = verification.summary ? ` — ${verification.summary}` : '';
  const repairs = verification.repairs
    ? ` (${verification.repairs} repair${verification.repairs === 1 ? '' : 's'})`
    : '';
  return `${outcome}${step}${summary}${repairs}`;
}

export function taskView(chain: ChainSnapshot, task: TaskSnapshot): NodeView {
  const checks = task.kind === 'verify' && task.status === 'succeeded' ? task.verify : undefined;
  const parts: string[] = [checks ? CHECK_WORDS[checks.outcome](checks) : describeTaskStatus(task.status)];
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
      task.kind === 'repair' ? `Repairs what ${repairedVerifies(chain, task)} found.` : '',
      task.status === 'unneeded' ? 'Not needed: an earlier verify passed or could not run.' : '',
      task.error ? `Error: ${task.error}` : '',
      // A verify's result summary is its verdict's: said once, above its steps.
      task.summary !== task.verify?.summary ? (task.summary ?? '') : '',
      task.verify ? describeChecks(task.verify) : '',
    ]
      .filter(Boolean)
      .join('\n\n'),
    icon: checks ? CHECK_ICONS[checks.outcome] : taskIcon(task.status),
    contextValue: ['task', retryable ? 'retryable' : '', written ? 'written' : ''].filter(Boolean).join('.'),
    collapsible: task.files.length > 0,
  };
}

// A verify task that ran "succeeded" whatever it found: what it found is what the user needs.
const CHECK_WORDS: Readonly<Record<VerifyTaskView['outcome'], (checks: VerifyTaskView) => string>> = {
  passed: () => 'checks passed',
  failed: (checks) => (checks.step ? `checks failed at ${checks.step}` : 'checks failed'),
  not_run: () => 'checks not run',
};

const CHECK_ICONS: Readonly<Record<VerifyTaskView['outcome'], IconView>> = {
  passed: taskIcon('succeeded'),
  failed: { id: 'error', color: 'testing.iconFailed' },
  not_run: { id: 'circle-slash', color: 'disabledForeground' },
};

/** The summary, then one line per step: "test: npm test — exit 1, 4.2 s". */
function describeChecks(checks: VerifyTaskView): string {
  const steps = checks.steps.map((step) => {
    const result = step.timedOut
      ? 'timed out'
      : step.exitCode === 0
        ? 'ok'
        : step.exitCode === null
          ? 'stopped'
          : `exit ${step.exitCode}`;
    return `${step.name}: ${step.command} — ${result}, ${(step.durationMs / 1000).toFixed(1)} s`;
  });
  return [checks.summary, ...steps].join('\n');
}

function repairedVerifies(chain: ChainSnapshot, task: TaskSnapshot): string {
  const verifies = task.dependsOn.filter((id) =>
    chain.tasks.some((other) => other.id === id && other.kind === 'verify'),
  );
  return (verifies.length > 0 ? verifies : task.dependsOn).join(', ') || 'a verify';
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
