/**
 * One small logging interface for the backend. The CLI logs to stderr (stdout is reserved for
 * `--json` results); the language server logs through the connection into the extension's
 * "Takoss" output channel. Every line is redacted first: secrets never reach a log.
 */
import { redactSecrets } from './redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const LEVEL_ORDER: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warn: 2, error: 3 };

export type LogSink = (level: LogLevel, line: string) => void;

/** Builds a logger that drops lines below `minimum` and masks `secrets` in the rest. */
export function createLogger(sink: LogSink, minimum: LogLevel = 'info', secrets: readonly string[] = []): Logger {
  const emit = (level: LogLevel) => (message: string) => {
    if (LEVEL_ORDER[level] >= LEVEL_ORDER[minimum]) sink(level, redactSecrets(message, secrets));
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/** Logs `[level] message` lines to stderr. */
export function createStderrLogger(minimum: LogLevel = 'info', secrets: readonly string[] = []): Logger {
  return createLogger((level, line) => process.stderr.write(`[${level}] ${line}\n`), minimum, secrets);
}

/** A logger that drops everything, for callers that report through return values instead. */
export const silentLogger: Logger = createLogger(() => undefined, 'error');
