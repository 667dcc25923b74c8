/** Small things every UI test needs: waiting for a condition, and a screenshot when a test fails. */
import type { Context } from 'mocha';
import type { Workbench } from './workbench';

export { eventually } from '../../helpers/eventually';

/** In `afterEach`: the workbench as it was when the test failed. */
export async function screenshotOnFailure(context: Context, workbench: Workbench | undefined): Promise<void> {
  if (context.currentTest?.state !== 'failed' || !workbench) return;
  const name = (context.currentTest.title.match(/[a-z0-9]+/gi) ?? ['test']).slice(0, 6).join('-').toLowerCase();
  await workbench.screenshot(`FAILED-${name}`).catch(() => undefined);
}
