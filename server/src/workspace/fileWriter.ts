/**
 * Applies a batch of files proposed by one task to disk (the CLI's writer). The batch is
 * reviewed whole before anything is written (a task that tried `../x` failed; it is not
 * half-applied), a user's file is never silently replaced, and each write is atomic (old or
 * new content, never a torn file) and idempotent (delivering the same task twice is a no-op).
 */
import path from 'node:path';
import { errorMessage } from '../errors';
import { writeFileAtomic } from './atomicWrite';
import {
  reviewChanges,
  type ApplyResult,
  type FileChange,
  type FileOutcome,
  type ReviewedChange,
  type ReviewedWrite,
  type WriteLedger,
  type WriteOptions,
} from './fileReview';
import { displayPath } from './pathPolicy';
import { ensureFolderInside } from './workspaceGuard';

/**
 * Writes a batch into a workspace folder. Paths are checked and resolved for the whole batch
 * first; if any is refused, nothing is written. Throws a `usage` TakossError for a bad
 * workspace or options; ledger errors propagate.
 */
export async function applyChanges(
  workspaceRoot: string,
  changes: FileChange[],
  ledger: WriteLedger,
  options: WriteOptions = {},
): Promise<ApplyResult> {
  const review = await reviewChanges(workspaceRoot, changes, ledger, options);
  if (!review.ok) return { outcomes: review.outcomes, refused: true, reason: review.reason };
  const { realRoot } = review;

  // Every decision, approvals included, is made before the first write.
  const decisions: Decision[] = [];
  for (const reviewed of review.changes) decisions.push(await decide(reviewed, options));

  const outcomes: FileOutcome[] = [];
  let failure: string | undefined;
  for (const decision of decisions) {
    const { change } = decision;
    if (decision.kind === 'done') {
      if (failure === undefined && decision.outcome.action === 'unchanged')
        await ledger.set(change.path, change.sha256);
      outcomes.push(decision.outcome);
    } else if (failure !== undefined) {
      outcomes.push({ path: change.path, action: 'refused', reason: `not written: ${failure}` });
    } else {
      const { absolutePath } = decision.target;
      const problem = await ensureFolderInside(realRoot, path.dirname(absolutePath))
        .then(() => writeFileAtomic(realRoot, absolutePath, change.data, decision.mode))
        .then(
          () => undefined,
          (error: unknown) => `writing "${displayPath(change.path)}" failed: ${errorMessage(error)}`,
        );
      if (problem === undefined) {
        await ledger.set(change.path, change.sha256);
        outcomes.push({ path: change.path, action: decision.action, sha256: change.sha256, bytes: change.bytes });
      } else {
        // Stop: later writes of a batch whose folders changed under us are not trustworthy.
        failure = `an earlier write failed (${problem})`;
        outcomes.push({ path: change.path, action: 'refused', reason: problem });
      }
    }
  }
  const refusal = outcomes.find((outcome) => outcome.action === 'refused');
  return refusal?.action === 'refused'
    ? { outcomes, refused: true, reason: refusal.reason }
    : { outcomes, refused: false };
}

const REMEDY = {
  foreign: 'pass overwrite to replace it',
  edited: 'keeping that edit (pass overwrite to replace it)',
  deleted: 'not recreating it (pass overwrite to recreate it)',
} as const;

type Decision = ReviewedWrite | { kind: 'done'; change: ReviewedWrite['change']; outcome: FileOutcome };

/** Turns a review into what the CLI does: conflicts need `overwrite`, protected paths approval. */
async function decide(reviewed: ReviewedChange, options: WriteOptions): Promise<Decision> {
  const { change } = reviewed;
  const skip = (reason: string): Decision => ({
    kind: 'done',
    change,
    outcome: { path: change.path, action: 'skipped', reason },
  });
  if (reviewed.kind === 'unchanged') {
    return {
      kind: 'done',
      change,
      outcome: { path: change.path, action: 'unchanged', sha256: change.sha256, bytes: change.bytes },
    };
  }
  if (reviewed.conflict && !options.overwrite)
    return skip(`${reviewed.conflict.reason}; ${REMEDY[reviewed.conflict.kind]}`);
  if (reviewed.protection && !(await approved(options.approveProtected, change.path, reviewed.protection.reason))) {
    return skip(`needs approval: ${reviewed.protection.reason}`);
  }
  return reviewed;
}

async function approved(approve: WriteOptions['approveProtected'], filePath: string, reason: string): Promise<boolean> {
  if (typeof approve !== 'function') return approve === true;
  try {
    return (await approve(filePath, reason)) === true;
  } catch {
    // A failed prompt (closed window, lost connection) is not a yes.
    return false;
  }
}
