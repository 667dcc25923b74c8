/** Small things every UI test needs: waiting for a condition, and what to keep when a test fails. */
import { cpSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { Context } from 'mocha';
import type { Workbench } from './workbench';

export { eventually } from '../../helpers/eventually';

/**
 * In `afterEach`, when the test failed: the workbench as it was, every notification the window
 * showed (a toast hides itself after a while; the list keeps them), and VS Code's logs, the
 * Takoss output channel among them (`userDataDir`'s logs folder).
 */
export async function keepFailureEvidence(
  context: Context,
  workbench: Workbench | undefined,
  userDataDir: string | undefined,
): Promise<void> {
  if (context.currentTest?.state !== 'failed' || !workbench) return;
  const name = `FAILED-${(context.currentTest.title.match(/[a-z0-9]+/gi) ?? ['test']).slice(0, 6).join('-').toLowerCase()}`;
  await workbench.screenshot(name).catch(() => undefined);
  await workbench.saveNotifications(`${name}-notifications`).catch(() => undefined);
  const logs = userDataDir && path.join(userDataDir, 'logs');
  try {
    if (logs && existsSync(logs)) cpSync(logs, path.join(workbench.resultsDir, `${name}-logs`), { recursive: true });
  } catch (error) {
    // A hook that throws would skip the suite's later tests: the evidence is not worth that.
    console.warn(`Could not keep VS Code's logs (${logs}): ${String(error)}`);
  }
}
