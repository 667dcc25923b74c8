/** Waiting in tests for something that happens elsewhere: another process, a browser, a server. */

/** Polls until `check` returns a value (not undefined) or the time is up. */
export async function eventually<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 60_000,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  const why = lastError instanceof Error ? `: ${lastError.message}` : '';
  throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${why}`);
}

/** Waits, polling every 20 ms, until `condition` holds. */
export async function waitUntil(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  await eventually(what, async () => ((await condition()) ? true : undefined), timeoutMs, 20);
}
