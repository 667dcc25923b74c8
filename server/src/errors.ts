/**
 * Errors the user can act on. Each kind maps to one CLI exit code (DESIGN.md §3.1), and
 * each message names the input or service at fault and how to fix it.
 */

export type ErrorKind = 'usage' | 'infrastructure' | 'failed';

export const EXIT_CODE: Readonly<Record<ErrorKind | 'ok', number>> = {
  ok: 0,
  failed: 1,
  usage: 2,
  infrastructure: 3,
};

export class TakossError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TakossError';
  }

  get exitCode(): number {
    return EXIT_CODE[this.kind];
  }
}

export type ServiceName = 'Redis' | 'PostgreSQL';

const START_HINT = 'start it with docker compose up -d';

/** A service that cannot be reached. `target` is the redacted URL. */
export class ServiceUnavailableError extends TakossError {
  constructor(
    readonly service: ServiceName,
    readonly target: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super('infrastructure', `${service} unavailable at ${target} — ${START_HINT} (${reason})`, options);
    this.name = 'ServiceUnavailableError';
  }
}

/** A service that answers but is set up in a way Takoss cannot use safely. */
export class ServiceMisconfiguredError extends TakossError {
  constructor(
    readonly service: ServiceName,
    readonly target: string,
    readonly problem: string,
    readonly fix: string,
    options?: { cause?: unknown },
  ) {
    super('infrastructure', `${service} at ${target} ${problem} — ${fix}`, options);
    this.name = 'ServiceMisconfiguredError';
  }
}

/** The message of anything thrown, for logs and reports. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    if (error.message) return error.message;
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    // AggregateError (e.g. a refused connection on both IPv4 and IPv6) has an empty message.
    if (error instanceof AggregateError && error.errors.length > 0) return errorMessage(error.errors[0]);
    return error.name;
  }
  return String(error);
}
