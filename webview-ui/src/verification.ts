// protocol.ts re-exports only the snapshot types, so the verify views come from their source.
import type {
  ChainVerificationOutcome,
  ChainVerificationView,
  TaskKindView,
  VerifyTaskView,
} from '../../server/src/chainSnapshot';
import type { StatusAppearance } from './status';

export type VerifyOutcome = VerifyTaskView['outcome'];
export type VerifyStep = VerifyTaskView['steps'][number];

const PASSED_COLOR = 'var(--vscode-testing-iconPassed, var(--vscode-charts-green, #388a34))';
const FAILED_COLOR = 'var(--vscode-testing-iconFailed, var(--vscode-charts-red, #f14c4c))';
const NOT_RUN_COLOR = 'var(--vscode-descriptionForeground, #9d9d9d)';

/** A symbol beside every outcome text, so the outcome never rests on colour alone. */
const SYMBOL: Readonly<Record<VerifyOutcome, string>> = { passed: '✓', failed: '✗', not_run: '–' };

export const KIND_LABEL: Readonly<Record<TaskKindView, string>> = { verify: 'verify', repair: 'repair' };

/** What one verify task found, short enough for a node: "passed", "failed at test", "not run". */
export function verifyOutcomeText(verify: Pick<VerifyTaskView, 'outcome' | 'step'>): string {
  switch (verify.outcome) {
    case 'passed':
      return 'passed';
    case 'failed':
      return verify.step ? `failed at ${verify.step}` : 'failed';
    case 'not_run':
      return 'not run';
  }
}

/** How a verify's outcome shows; its label is `verifyOutcomeText`. */
export function verifyOutcomeAppearance(
  verify: Pick<VerifyTaskView, 'outcome' | 'step'>,
): StatusAppearance & { readonly symbol: string } {
  const { outcome } = verify;
  const color = outcome === 'passed' ? PASSED_COLOR : outcome === 'failed' ? FAILED_COLOR : NOT_RUN_COLOR;
  return { label: verifyOutcomeText(verify), color, symbol: SYMBOL[outcome] };
}

const CHAIN_OUTCOME: Readonly<Record<ChainVerificationOutcome, VerifyOutcome>> = {
  verified: 'passed',
  verify_failed: 'failed',
  not_verified: 'not_run',
};

/** The chain's verification for its header: "Verified", "Verify failed: test", "Not verified". */
export function chainVerificationAppearance(
  verification: ChainVerificationView,
): StatusAppearance & { readonly symbol: string } {
  const { color, symbol } = verifyOutcomeAppearance({ outcome: CHAIN_OUTCOME[verification.outcome] });
  switch (verification.outcome) {
    case 'verified':
      return { label: 'Verified', color, symbol };
    case 'verify_failed':
      return { label: verification.step ? `Verify failed: ${verification.step}` : 'Verify failed', color, symbol };
    case 'not_verified':
      return { label: 'Not verified', color, symbol };
  }
}

/** A step's result for the panel's table: its exit code, or why it has none. */
export function stepResultText(step: Pick<VerifyStep, 'exitCode' | 'timedOut'>): string {
  if (step.timedOut) return 'timed out';
  // Null without a timeout: a signal ended it, or it never started (the summary says which).
  return step.exitCode === null ? 'no exit code' : `exit ${step.exitCode}`;
}
