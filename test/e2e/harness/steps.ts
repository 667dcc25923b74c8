/** Small things every UI test needs: waiting for a condition, and a screenshot when a test fails. */
import type { Context } from 'mocha';
import type { Workbench } from './workbench';

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

/** In `afterEach`: the workbench as it was when the test failed. */
export async function screenshotOnFailure(context: Context, workbench: Workbench | undefined): Promise<void> {
  if (context.currentTest?.state !== 'failed' || !workbench) return;
  const name = (context.currentTest.title.match(/[a-z0-9]+/gi) ?? ['test']).slice(0, 6).join('-').toLowerCase();
  await workbench.screenshot(`FAILED-${name}`).catch(() => undefined);
}
