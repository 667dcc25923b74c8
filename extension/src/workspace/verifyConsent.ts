import * as vscode from 'vscode';
import type { VerifyConsentAnswer, VerifyConsentParams } from '../../../server/src/protocol';
import { readVerifyMode } from '../settings/explicitSettings';
import {
  CONSENT_REFUSALS,
  consentQuestion,
  decideConsent,
  outcomeOfChoice,
  type ConsentChoice,
  type ConsentDecision,
} from './verifyPolicy';

const RUN = 'Run Checks';
const ALWAYS = 'Always Run';

type Handler = (params: VerifyConsentParams, token: vscode.CancellationToken) => Promise<VerifyConsentAnswer>;

/**
 * Answers VerifyConsentRequest: may a verify task run the generated project's install, build
 * and test here? The policy is verifyPolicy.ts; this asks the user when `takoss.verify` is
 * `ask`, one question at a time, and remembers for the session which chains the user allowed,
 * so the later verify rungs of a chain run without asking again.
 */
export function verifyConsentHandler(log: vscode.LogOutputChannel): Handler {
  const consent = new VerifyConsent(log);
  return (params, token) => consent.answer(params, token);
}

class VerifyConsent {
  private readonly allowedChains = new Set<string>();
  /** Settles when the question on screen, if any, has closed. */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(private readonly log: vscode.LogOutputChannel) {}

  async answer(params: VerifyConsentParams, token: vscode.CancellationToken): Promise<VerifyConsentAnswer> {
    const first = this.decide(params);
    const { answer, why } = first.kind === 'answer' ? first : await this.askInTurn(params, token);
    this.log.info(
      `Verify ${params.taskId} of chain ${params.chainId}: ${answer.allowed ? 'allowed' : 'not allowed'} (${why}).`,
    );
    return answer;
  }

  /** Read afresh each time: the setting, trust and open folders may all have changed meanwhile. */
  private decide(params: VerifyConsentParams): ConsentDecision {
    return decideConsent(params, {
      trusted: vscode.workspace.isTrusted,
      openFolders: (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath),
      mode: readVerifyMode(),
      chainAllowed: this.allowedChains.has(params.chainId),
    });
  }

  /**
   * Waits for the question on screen: two chains verifying at once would otherwise stack two
   * modals. Decided again once it is this request's turn (the user may have chosen Always Run).
   * A cancelled request is answered at once, waiting or asked.
   */
  private askInTurn(params: VerifyConsentParams, token: vscode.CancellationToken): Promise<Answered> {
    let closed: Promise<unknown> = Promise.resolve();
    const inTurn = this.turn.then((): Answered | Promise<Answered> => {
      if (token.isCancellationRequested) return cancelled();
      const now = this.decide(params);
      if (now.kind === 'answer') return now;
      const asked = this.ask(params, token);
      closed = asked.closed;
      return asked.answered;
    });
    // A modal cannot be closed from here: the next question waits until this one's has closed.
    this.turn = inTurn.then(() => closed).catch(() => undefined);
    return untilCancelled(token, inTurn);
  }

  private ask(
    params: VerifyConsentParams,
    token: vscode.CancellationToken,
  ): { readonly answered: Promise<Answered>; readonly closed: Promise<unknown> } {
    const { message, detail } = consentQuestion(params);
    const question = vscode.window.showWarningMessage(message, { modal: true, detail }, RUN, ALWAYS);
    const outcome = Promise.resolve(question).then(
      (picked) => outcomeOfChoice(choiceOf(picked)),
      (error: unknown) => {
        this.log.error(`The verify question failed: ${String(error)}`);
        return outcomeOfChoice('dismissed');
      },
    );
    const answered = outcome.then((chose): Answered => {
      // Only an answer the backend still waits for allows the chain's later rungs.
      if (chose.rememberChain && !token.isCancellationRequested) this.allowedChains.add(params.chainId);
      const { answer } = chose;
      return { answer, why: answer.allowed ? 'the user allowed the checks' : (answer.reason ?? 'declined') };
    });
    // Always Run counts even after a cancelled request: it is about every chain, not this one.
    const closed = outcome.then((chose) => (chose.setAlways ? this.setAlways() : undefined));
    return { answered, closed };
  }

  private async setAlways(): Promise<void> {
    try {
      await vscode.workspace.getConfiguration('takoss').update('verify', 'always', vscode.ConfigurationTarget.Global);
    } catch (error) {
      this.log.warn(`Could not set takoss.verify to always: ${String(error)}`);
      return;
    }
    if (readVerifyMode() !== 'always') {
      this.log.warn('takoss.verify is now always in your user settings, but a workspace setting overrides it here.');
    }
  }
}

interface Answered {
  readonly answer: VerifyConsentAnswer;
  readonly why: string;
}

function cancelled(): Answered {
  return { answer: { allowed: false, reason: CONSENT_REFUSALS.cancelled }, why: CONSENT_REFUSALS.cancelled };
}

function untilCancelled(token: vscode.CancellationToken, answered: Promise<Answered>): Promise<Answered> {
  let listener: vscode.Disposable | undefined;
  const cancellation = new Promise<Answered>((resolve) => {
    listener = token.onCancellationRequested(() => resolve(cancelled()));
  });
  return Promise.race([answered, cancellation]).finally(() => {
    listener?.dispose();
  });
}

function choiceOf(picked: string | undefined): ConsentChoice {
  return picked === RUN ? 'run' : picked === ALWAYS ? 'always' : 'dismissed';
}
