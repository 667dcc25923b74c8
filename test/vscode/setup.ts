/**
 * Global setup for the extension-host suites (mocha `preload`, run inside VS Code's extension
 * host): the fake Claude, a database and a queue of their own, put into this process's
 * environment before the Takoss backend is first started — the extension hands its
 * environment to the backend it forks.
 */
import { todoAppScript } from '../fixtures/todoApp';
import { E2E_API_KEY, startTakossEnvironment, type TakossEnvironment } from '../e2e/harness/takossEnvironment';

let environment: TakossEnvironment | undefined;

export async function mochaGlobalSetup(): Promise<void> {
  environment = await startTakossEnvironment(todoAppScript(50));
  Object.assign(process.env, environment.env, { ANTHROPIC_API_KEY: E2E_API_KEY });
}

export async function mochaGlobalTeardown(): Promise<void> {
  await environment?.close();
}
