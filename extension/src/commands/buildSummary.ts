/**
 * What Build App says while a chain runs and once it ended: progress, files written, cost,
 * and whether the app passed its own checks. Pure, so the wording is unit-tested.
 */
import type { ChainSnapshot, ChainVerificationView } from '../../../server/src/chainSnapshot';
import { KEY_REJECTED_ERROR } from '../../../server/src/protocol';
import { countsAsDone, formatCost } from '../views/statusIcons';

export interface BuildProgress {
  /** Tasks done (succeeded, or not needed because an earlier verify passed or could not run). */
  readonly done: number;
  readonly message: string;
}

export function describeProgress(chain: ChainSnapshot): BuildProgress {
  const done = chain.tasks.filter((task) => countsAsDone(task.status)).length;
  const running = chain.tasks.filter((task) => task.status === 'running' || task.status === 'generated');
  const verifying = running.find((task) => task.kind === 'verify');
  // A verify runs the project's own install, build and test, often the longest wait: name it.
  const activity = verifying ? `verifying the app (${verifying.id})` : `${running.length} running`;
  return {
    done,
    message: `${done}/${chain.tasks.length} tasks done, ${activity} · ${formatCost(chain.usage.costUsd)}`,
  };
}

export interface BuildSummary {
  readonly message: string;
  /** Shown as a warning: the chain did not succeed, or the app failed its checks. */
  readonly warning: boolean;
  /** The Anthropic API rejected the key: offer to set it. */
  readonly keyRejected: boolean;
  readonly filesWritten: number;
}

export function summarizeChain(chain: ChainSnapshot): BuildSummary {
  const written = chain.tasks.flatMap((task) =>
    task.files.filter((file) => file.action === 'created' || file.action === 'updated'),
  );
  const failed = chain.tasks.filter((task) => task.status === 'failed').length;
  const succeeded = chain.status === 'succeeded';
  const verification = chain.verification;
  const headline = succeeded
    ? `Takoss built "${chain.request}"${verification ? verificationClause(chain, verification) : ''}`
    : `Takoss stopped "${chain.request}" (${chain.status.replace('_', ' ')}${failed ? `, ${failed} failed` : ''})`;
  // A chain that stopped says why first; its checks matter only if some ran.
  const stoppedChecks =
    succeeded || !verification || verification.outcome === 'not_verified'
      ? ''
      : verification.outcome === 'verified'
        ? ' The app passed its checks.'
        : ` The app failed its checks: ${verifyFailure(chain, verification)}.`;
  // A rejected key fails every task the same way: say so, and offer the fix.
  const keyRejected = chain.tasks.some((task) => task.error?.includes(KEY_REJECTED_ERROR));
  const message =
    `${headline}: ${written.length} files written, ${formatCost(chain.usage.costUsd)}.${stoppedChecks}` +
    (keyRejected ? ' The Anthropic API rejected the API key: set a valid one, then retry the failed tasks.' : '');
  return {
    message,
    warning: !succeeded || verification?.outcome === 'verify_failed',
    keyRejected,
    filesWritten: written.length,
  };
}

/** " and verified it", ", but verify failed at test (see verify-3)", " (not verified: …)". */
function verificationClause(chain: ChainSnapshot, verification: ChainVerificationView): string {
  switch (verification.outcome) {
    case 'verified':
      return verification.repairs > 0
        ? ` and verified it after ${verification.repairs} repair${verification.repairs === 1 ? '' : 's'}`
        : ' and verified it';
    case 'verify_failed':
      return `, but ${verifyFailure(chain, verification)}`;
    case 'not_verified':
      return ` (not verified: ${verification.summary})`;
  }
}

/** "verify failed at test (see verify-3)": the step, and the verify task whose findings to read. */
function verifyFailure(chain: ChainSnapshot, verification: ChainVerificationView): string {
  const step = verification.step ? ` at ${verification.step}` : '';
  const task = lastFailedVerify(chain);
  return `verify failed${step}${task ? ` (see ${task})` : ''}`;
}

/** The verify task whose findings the user should read: the last one that found a failure. */
function lastFailedVerify(chain: ChainSnapshot): string | undefined {
  const verifies = chain.tasks.filter((task) => task.kind === 'verify');
  const found = verifies.filter((task) => task.verify?.outcome === 'failed' || task.status === 'failed');
  return found.at(-1)?.id;
}
