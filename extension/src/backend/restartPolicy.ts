/**
 * When the backend process dies, restart it after a delay that doubles with each crash in
 * quick succession, and give up after too many (a backend that cannot stay up needs the
 * user, not a restart loop). A run that lasted long enough counts as healthy and resets it;
 * a restart that fails (the backend never answered, so `started` was not called) never does.
 *
 * Times are passed in (`now`, in ms), so the policy has no clock of its own and tests choose them.
 */

export interface RestartPolicyOptions {
  /** @defaultValue 1000 */
  readonly initialDelayMs?: number;
  /** @defaultValue 30000 */
  readonly maxDelayMs?: number;
  /** Crashes in a row after which we stop restarting. @defaultValue 6 */
  readonly maxConsecutiveCrashes?: number;
  /** A run at least this long resets the count. @defaultValue 60000 */
  readonly stableAfterMs?: number;
}

export type RestartDecision =
  | { readonly restart: true; readonly delayMs: number; readonly attempt: number }
  | { readonly restart: false; readonly crashes: number };

export class RestartPolicy {
  private crashes = 0;
  private startedAt: number | undefined;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxConsecutiveCrashes: number;
  private readonly stableAfterMs: number;

  constructor(options: RestartPolicyOptions = {}) {
    this.initialDelayMs = options.initialDelayMs ?? 1000;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.maxConsecutiveCrashes = options.maxConsecutiveCrashes ?? 6;
    this.stableAfterMs = options.stableAfterMs ?? 60_000;
  }

  /** Call when the backend (re)started. */
  started(now: number): void {
    this.startedAt = now;
  }

  /** Call when the backend died unexpectedly; says whether and when to restart. */
  crashed(now: number): RestartDecision {
    if (this.startedAt !== undefined && now - this.startedAt >= this.stableAfterMs) this.crashes = 0;
    // That run is over: only the next successful start may count as stable again.
    this.startedAt = undefined;
    this.crashes += 1;
    if (this.crashes > this.maxConsecutiveCrashes) return { restart: false, crashes: this.crashes - 1 };
    const delayMs = Math.min(this.initialDelayMs * 2 ** (this.crashes - 1), this.maxDelayMs);
    return { restart: true, delayMs, attempt: this.crashes };
  }

  /** Call after the user restarted the backend by hand: start counting afresh. */
  reset(): void {
    this.crashes = 0;
  }
}
