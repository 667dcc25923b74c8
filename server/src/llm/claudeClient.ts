/**
 * The one place that talks to Claude. Every call streams (long non-streaming calls are
 * refused by the API), a stream that goes silent is aborted, and every failure is sorted
 * into what the caller should do: retry with backoff, wait for the rate limit, or stop.
 *
 * The SDK's own retries are off by default: Takoss retries through BullMQ, where attempts
 * are visible, bounded, and coordinated across workers (SDK retries × job attempts would
 * multiply, FACTS.md).
 */
import Anthropic from '@anthropic-ai/sdk';
import type { Message, MessageCreateParamsBase } from '@anthropic-ai/sdk/resources/messages';
import { TakossError, errorMessage } from '../errors';
import { KEY_REJECTED_ERROR } from '../protocol';

export interface ClaudeClientOptions {
  readonly apiKey: string;
  /** @defaultValue `ANTHROPIC_BASE_URL`, else the SDK's default (api.anthropic.com) */
  readonly baseURL?: string;
  /** Retries inside the SDK. @defaultValue 0 (BullMQ retries) */
  readonly maxRetries?: number;
  /** A stream that sends nothing for this long is aborted and retried. @defaultValue 60000 */
  readonly idleTimeoutMs?: number;
  /** Longest a single call may take. @defaultValue 600000 (10 minutes) */
  readonly timeoutMs?: number;
}

/** What to do after a failed call. */
export type RetryAdvice = 'backoff' | 'rateLimit' | 'never' | 'aborted';

export class ClaudeCallError extends TakossError {
  constructor(
    message: string,
    readonly advice: RetryAdvice,
    /** For `rateLimit`: how long the API asked us to wait. */
    readonly retryAfterMs?: number,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    // A rejected key is an infrastructure problem (exit 3) like a missing one; other refusals fail the work.
    const rejectedKey = status === 401 || status === 403;
    super(advice === 'never' && !rejectedKey ? 'failed' : 'infrastructure', message, options);
    this.name = 'ClaudeCallError';
  }
}

/** The Anthropic account cannot spend more: every task would fail the same way, so the chain stops. */
export class AccountLimitError extends ClaudeCallError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'never', undefined, 429, options);
    this.name = 'AccountLimitError';
  }
}

export interface StreamOptions {
  readonly signal?: AbortSignal;
  /** Called with each piece of text as it arrives (live output in the UI). */
  readonly onText?: (delta: string) => void;
}

const SPEND_LIMIT = /spend limit|usage limit|credit balance|billing/i;

export class ClaudeClient {
  private readonly sdk: Anthropic;
  private readonly idleTimeoutMs: number;

  constructor(options: ClaudeClientOptions) {
    this.sdk = new Anthropic({
      apiKey: options.apiKey,
      ...(options.baseURL ? { baseURL: options.baseURL } : {}),
      maxRetries: options.maxRetries ?? 0,
      timeout: options.timeoutMs ?? 600_000,
    });
    this.idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  }

  /** Streams one Messages API call and returns the final message; throws `ClaudeCallError`. */
  async stream(params: MessageCreateParamsBase, options: StreamOptions = {}): Promise<Message> {
    const controller = new AbortController();
    let idle = false;
    const onCallerAbort = () => controller.abort(options.signal?.reason);
    if (options.signal?.aborted) throw new ClaudeCallError('The call was cancelled before it started.', 'aborted');
    options.signal?.addEventListener('abort', onCallerAbort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    const armIdleTimer = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        idle = true;
        controller.abort(new Error('idle'));
      }, this.idleTimeoutMs);
    };
    try {
      armIdleTimer();
      const stream = this.sdk.messages.stream(params, { signal: controller.signal });
      stream.on('streamEvent', armIdleTimer);
      if (options.onText) stream.on('text', options.onText);
      return await stream.finalMessage();
    } catch (error) {
      if (idle) {
        throw new ClaudeCallError(
          `Claude sent nothing for ${Math.round(this.idleTimeoutMs / 1000)} s; the call was abandoned.`,
          'backoff',
          undefined,
          undefined,
          { cause: error },
        );
      }
      if (options.signal?.aborted)
        throw new ClaudeCallError('The call was cancelled.', 'aborted', undefined, undefined, { cause: error });
      throw classifyClaudeError(error);
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onCallerAbort);
    }
  }
}

function retryAfterMs(headers: Headers | undefined): number | undefined {
  const milliseconds = Number(headers?.get('retry-after-ms'));
  if (Number.isFinite(milliseconds) && milliseconds > 0) return milliseconds;
  const seconds = Number(headers?.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}

/**
 * The API's own words — `invalid_request_error: max_tokens is too large (request req_…)` —
 * instead of the SDK's message, which is the status and the raw JSON body.
 */
function apiErrorReason(error: { readonly error: unknown; readonly requestID?: string | null }): string {
  const body: unknown = error.error;
  const details = typeof body === 'object' && body !== null && 'error' in body ? body.error : undefined;
  if (
    typeof details !== 'object' ||
    details === null ||
    !('message' in details) ||
    typeof details.message !== 'string'
  ) {
    return errorMessage(error);
  }
  const type = 'type' in details && typeof details.type === 'string' ? `${details.type}: ` : '';
  const request = error.requestID ? ` (request ${error.requestID})` : '';
  return `${type}${details.message}${request}`;
}

/** Sorts an SDK failure into retry advice with a message for the user. */
export function classifyClaudeError(error: unknown): ClaudeCallError {
  if (error instanceof ClaudeCallError) return error;
  const reason = error instanceof Anthropic.APIError ? apiErrorReason(error) : errorMessage(error);
  const fail = (message: string, advice: RetryAdvice, status?: number, wait?: number) =>
    new ClaudeCallError(message, advice, wait, status, { cause: error });

  if (error instanceof Anthropic.APIUserAbortError) return fail('The call was cancelled.', 'aborted');
  if (error instanceof Anthropic.APIConnectionError) {
    return fail(`Could not reach the Anthropic API: ${reason}`, 'backoff');
  }
  if (error instanceof Anthropic.AuthenticationError || error instanceof Anthropic.PermissionDeniedError) {
    return fail(
      `${KEY_REJECTED_ERROR} (${error.status}): set a valid key with "Takoss: Set Anthropic API Key" or ANTHROPIC_API_KEY.`,
      'never',
      error.status,
    );
  }
  if (error instanceof Anthropic.RateLimitError) {
    if (SPEND_LIMIT.test(reason)) {
      return new AccountLimitError(
        `The Anthropic account reached its spend limit: ${reason}. Raise the limit in the Anthropic console, then retry the task.`,
        { cause: error },
      );
    }
    return fail(`Rate limited by the Anthropic API: ${reason}`, 'rateLimit', 429, retryAfterMs(error.headers));
  }
  if (error instanceof Anthropic.APIError) {
    const status: unknown = error.status;
    if (typeof status !== 'number') {
      // An `event: error` inside a 200 stream: the SDK does not retry it, we do.
      return fail(`The Claude stream failed midway: ${reason}`, 'backoff');
    }
    if (status === 408 || status === 409 || status >= 500) {
      return fail(`The Anthropic API is unavailable (${status}): ${reason}`, 'backoff', status);
    }
    return fail(`The Anthropic API refused the request (${status}): ${reason}`, 'never', status);
  }
  return fail(`The Claude call failed: ${reason}`, 'backoff');
}
