/**
 * Whether an error means "PostgreSQL cannot be reached right now" (down, restarting, refusing
 * connections, a dropped connection) rather than a bad query: work that failed for that
 * reason is kept and tried again, not failed.
 */
const UNAVAILABLE_CODES = new Set([
  // Prisma: cannot reach, timed out, server closed the connection, pool timeout.
  'P1001',
  'P1002',
  'P1008',
  'P1017',
  'P2024',
  // PostgreSQL: connection exceptions, shutting down, not accepting connections, too many clients.
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '57P01',
  '57P02',
  '57P03',
  '55000',
  '53300',
  // Node sockets.
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
]);

const UNAVAILABLE_MESSAGE =
  /not currently accepting connections|Connection terminated|terminating connection|Can't reach database server|Server has closed the connection|connect ECONNREFUSED/i;

export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  for (let current: unknown = error; current && !seen.has(current);) {
    seen.add(current);
    if (typeof current !== 'object') break;
    const { code, message, cause, originalCode } = current as {
      code?: unknown;
      message?: unknown;
      cause?: unknown;
      originalCode?: unknown;
    };
    if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
    if (typeof originalCode === 'string' && UNAVAILABLE_CODES.has(originalCode)) return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true;
    current = cause;
  }
  return false;
}
