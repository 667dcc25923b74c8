/**
 * One activation, in a fresh Node process: `node activationProbe.js <dist/extension.js>
 * <extensionPath>` (bench/extension.ts bundles this file and runs it). It installs the
 * `vscode` stand-in, times `require` of the bundle and the `activate` call until it returns,
 * and counts the processes the extension starts: activation must start none (the backend
 * starts on first use). Prints one JSON line.
 */
import childProcess from 'node:child_process';
import Module, { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { calls, createExtensionContext, createVscodeModule } from './vscodeStub';

export interface ProbeResult {
  readonly loadMs: number;
  readonly activateMs: number;
  /** activate returned a promise: VS Code would wait for it, so its time counts too. */
  readonly returnedPromise: boolean;
  readonly settledMs: number;
  readonly processesDuringActivate: number;
  readonly processesWithin500Ms: number;
  readonly registrations: Record<string, number>;
}

interface ExtensionModule {
  activate(context: unknown): unknown;
  deactivate?(): unknown;
}

type Resolve = (request: string, ...rest: unknown[]) => string;

const STUB_ID = '\0vscode-stand-in';

function installVscode(): void {
  const loader = Module as unknown as { _resolveFilename: Resolve; _cache: Record<string, unknown> };
  const resolve = loader._resolveFilename;
  loader._resolveFilename = (request, ...rest) => (request === 'vscode' ? STUB_ID : resolve(request, ...rest));
  const stub = new Module(STUB_ID);
  stub.exports = createVscodeModule();
  stub.loaded = true;
  loader._cache[STUB_ID] = stub;
}

/** Counts child processes started through node:child_process from now on. */
function countProcesses(): () => number {
  let started = 0;
  const methods = ['fork', 'spawn', 'exec', 'execFile', 'spawnSync', 'execSync', 'execFileSync'] as const;
  const target = childProcess as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of methods) {
    const original = target[name]!;
    target[name] = (...args: unknown[]) => {
      started += 1;
      return original(...args);
    };
  }
  return () => started;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

async function main(): Promise<void> {
  const [bundle, extensionPath] = process.argv.slice(2);
  if (!bundle || !extensionPath) throw new Error('usage: activationProbe.js <extension bundle> <extension path>');
  installVscode();
  const processes = countProcesses();
  const context = createExtensionContext(extensionPath);

  const loadStart = performance.now();
  const extension = createRequire(__filename)(bundle) as ExtensionModule;
  const loaded = performance.now();
  const returned = extension.activate(context);
  const activated = performance.now();
  const processesDuringActivate = processes();
  if (isThenable(returned)) await returned;
  const settled = performance.now();

  await new Promise((resolve) => setTimeout(resolve, 500));
  const result: ProbeResult = {
    loadMs: loaded - loadStart,
    activateMs: activated - loaded,
    returnedPromise: isThenable(returned),
    settledMs: settled - loadStart,
    processesDuringActivate,
    processesWithin500Ms: processes(),
    registrations: Object.fromEntries(calls),
  };
  await extension.deactivate?.();
  for (const subscription of context.subscriptions) subscription.dispose();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
