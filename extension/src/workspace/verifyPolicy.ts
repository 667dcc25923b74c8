/**
 * Whether a verify task may run the generated project's own commands (VerifyConsentRequest).
 * Workspace trust comes first, then the folder, then `takoss.verify` as it is at answer time,
 * then whether the user already allowed this chain; only `ask` needs the user. Pure, so the
 * policy is unit-tested without VS Code; verifyConsent.ts asks, remembers and logs.
 */
import path from 'node:path';
import type { VerifyMode } from '../../../server/src/config';
import type { VerifyConsentAnswer, VerifyConsentParams } from '../../../server/src/protocol';
import { checkWorkspace } from './conflictPolicy';

// A record rather than a list, so a mode added to the backend's setting fails to compile here.
const MODES: Readonly<Record<VerifyMode, true>> = { ask: true, always: true, never: true };

/** The setting's value as a mode; anything else (a hand-edited typo) asks, the careful choice. */
export function parseVerifyMode(value: unknown): VerifyMode {
  return typeof value === 'string' && Object.hasOwn(MODES, value) ? (value as VerifyMode) : 'ask';
}

/** The reasons the backend records for a chain that was not verified. */
export const CONSENT_REFUSALS = {
  untrusted: 'the workspace is not trusted',
  never: 'takoss.verify is never',
  declined: 'the user declined to run the checks',
  cancelled: 'the request was cancelled before anyone answered',
} as const;

export interface ConsentState {
  readonly trusted: boolean;
  /** Absolute paths of the folders open in this window. */
  readonly openFolders: readonly string[];
  /** `takoss.verify` now (trust-aware: see readVerifyMode). */
  readonly mode: VerifyMode;
  /** The user allowed an earlier verify of this chain in this session. */
  readonly chainAllowed: boolean;
}

export type ConsentDecision =
  | { readonly kind: 'answer'; readonly answer: VerifyConsentAnswer; /** For the log. */ readonly why: string }
  | { readonly kind: 'ask' };

export function decideConsent(params: Pick<VerifyConsentParams, 'workspace'>, state: ConsentState): ConsentDecision {
  // Trust before anything else: an untrusted workspace never runs project code, whatever the setting says.
  if (!state.trusted) return refuse(CONSENT_REFUSALS.untrusted);
  // VS Code's trust covers the folders of this window only.
  const folder = checkWorkspace(params, state.openFolders, true);
  if (!folder.ok) return refuse(folder.reason);
  if (state.mode === 'never') return refuse(CONSENT_REFUSALS.never);
  if (state.mode === 'always') return allow('takoss.verify is always');
  if (state.chainAllowed) return allow('the user allowed the checks of this chain earlier');
  return { kind: 'ask' };
}

/** What the user chose in the question; dismissing it (Escape, Cancel, closing) declines. */
export type ConsentChoice = 'run' | 'always' | 'dismissed';

export interface ChoiceOutcome {
  readonly answer: VerifyConsentAnswer;
  /** Allow the later verify rungs of this chain without asking again. */
  readonly rememberChain: boolean;
  /** Set `takoss.verify` to `always` in the user's settings. */
  readonly setAlways: boolean;
}

export function outcomeOfChoice(choice: ConsentChoice): ChoiceOutcome {
  switch (choice) {
    case 'run':
      return { answer: { allowed: true }, rememberChain: true, setAlways: false };
    case 'always':
      return { answer: { allowed: true }, rememberChain: true, setAlways: true };
    case 'dismissed':
      return { answer: { allowed: false, reason: CONSENT_REFUSALS.declined }, rememberChain: false, setAlways: false };
  }
}

/** The modal question: the folder by name, then every command exactly as it will run. */
export function consentQuestion(params: VerifyConsentParams): { readonly message: string; readonly detail: string } {
  const resolved = path.resolve(params.workspace);
  const name = path.basename(resolved) || resolved;
  const commands = params.commands.length > 0 ? params.commands.map((command) => `  ${shown(command)}`) : ['  (none)'];
  return {
    message: `Run the checks of the app Takoss built in "${name}"?`,
    detail: [
      `To verify the app (${shown(params.taskId)}), Takoss wants to run in ${shown(resolved)}:`,
      '',
      ...commands,
      '',
      "They run the project's own code on this machine: its scripts and the install scripts of its dependencies. Run them only if you trust what was generated.",
      '',
      'Run Checks allows them for this chain. Always Run also sets takoss.verify to always.',
    ].join('\n'),
  };
}

// Control characters (a newline above all) could make a command look like text of the question.
function shown(text: string): string {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f]/.test(text) ? JSON.stringify(text).slice(1, -1) : text;
}

function refuse(reason: string): ConsentDecision {
  return { kind: 'answer', answer: { allowed: false, reason }, why: reason };
}

function allow(why: string): ConsentDecision {
  return { kind: 'answer', answer: { allowed: true }, why };
}
