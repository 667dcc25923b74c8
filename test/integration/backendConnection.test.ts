/**
 * The extension's side of the backend channel — BackendClient and BackendConnection,
 * vscode-jsonrpc over Node IPC — run for real in plain Node against small fake backends
 * (test/fixtures/backend/fakeBackend.mjs) that hang, crash or exit on cue. `vscode` is a
 * stand-in (test/fixtures/backend/vscodeStandIn.ts) that records the pop-ups shown.
 */
// Must come first: it makes `require('vscode')` return the stand-in.
import { recordingLog, shownMessages } from '../fixtures/backend/vscodeStandIn';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RequestType0 } from 'vscode-jsonrpc';
import { BackendClient, type BackendClientOptions } from '../../extension/src/backend/backendClient';
import { BackendConnection } from '../../extension/src/backend/backendConnection';
import type { BackendState } from '../../extension/src/backend/backendState';
import { HealthRequest } from '../../server/src/protocol';
import { waitUntil } from '../helpers/eventually';
import { REPO_ROOT } from '../helpers/paths';

const FAKE_BACKEND = path.join(REPO_ROOT, 'test', 'fixtures', 'backend', 'fakeBackend.mjs');
const Slow = new RequestType0<unknown, void>('test/slow');
const Crash = new RequestType0<unknown, void>('test/crash');

type Mode = 'ok' | 'slow-shutdown' | 'hang-initialize' | 'exit-at-once' | 'first-then-exit';
/** One start of the fake backend, as it recorded itself. */
interface Start {
  readonly pid: number;
  /** The process it started (hang-initialize). */
  readonly child?: number;
  /** A backend recorded earlier was still alive when this one started. */
  readonly overlap: boolean;
}

function crashMessage(method: string): RegExp {
  return new RegExp(
    `^The Takoss backend stopped \\(exit code 7\\) while handling ${method}; ` +
      'it restarts on its own — see "Takoss: Show Logs"\\.$',
  );
}

/** Alive and not a zombie. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  return !/^\d+ \(.*\) Z/.test(stat);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function stateOf(backend: BackendClient, kind: BackendState['kind'], timeoutMs = 3000): Promise<BackendState> {
  return new Promise((resolve, reject) => {
    if (backend.state.kind === kind) return resolve(backend.state);
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`no ${kind} state within ${timeoutMs} ms; it is ${backend.state.kind}`));
    }, timeoutMs);
    const subscription = backend.onDidChangeState((state) => {
      if (state.kind !== kind) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve(state);
    });
  });
}

describe('the backend connection, against fake backends', function () {
  this.timeout(10_000);
  let directory: string;
  let log: ReturnType<typeof recordingLog>;
  const clients: BackendClient[] = [];

  beforeEach(() => {
    directory = mkdtempSync(path.join(os.tmpdir(), 'takoss-backend-connection-'));
    process.env.TAKOSS_FAKE_BACKEND_RECORD = path.join(directory, 'starts.jsonl');
    shownMessages.length = 0;
    log = recordingLog();
  });

  afterEach(async function () {
    for (const backend of clients.splice(0)) await backend.dispose();
    const left = starts()
      .flatMap((start) => [start.pid, start.child ?? 0])
      .filter((pid) => pid && isAlive(pid));
    for (const pid of left) process.kill(pid, 'SIGKILL');
    delete process.env.TAKOSS_FAKE_BACKEND;
    delete process.env.TAKOSS_FAKE_BACKEND_RECORD;
    rmSync(directory, { recursive: true, force: true });
    if (this.currentTest?.state === 'failed') console.log(log.lines.join('\n'));
    assert.deepEqual(left, [], 'no fake backend outlives its test');
  });

  /** Every start of a fake backend in this test, oldest first. */
  function starts(): Start[] {
    const file = process.env.TAKOSS_FAKE_BACKEND_RECORD ?? '';
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Start);
  }

  async function startNumber(index: number): Promise<Start> {
    await waitUntil(`start ${index + 1} of the fake backend`, () => starts().length > index, 3000);
    return starts()[index]!;
  }

  async function assertGone(start: Start): Promise<void> {
    for (const pid of [start.pid, start.child]) {
      if (pid !== undefined) await waitUntil(`process ${pid} to be gone`, () => !isAlive(pid), 1000);
    }
  }

  function client(mode: Mode, options: Partial<BackendClientOptions> = {}): BackendClient {
    process.env.TAKOSS_FAKE_BACKEND = mode;
    const backend = new BackendClient({
      serverModule: FAKE_BACKEND,
      log: log.channel,
      apiKeys: { get: () => Promise.resolve(undefined) },
      restartPolicy: { initialDelayMs: 10 },
      ...options,
    });
    clients.push(backend);
    return backend;
  }

  it('gives up on a backend that never answers initialize, and kills it with what it started', async () => {
    const backend = client('hang-initialize', { initializeTimeoutMs: 300 });
    const began = Date.now();
    await assert.rejects(backend.ensureStarted(), {
      message: 'The Takoss backend did not answer within 0.3 s; see "Takoss: Show Logs".',
    });
    assert.ok(Date.now() - began < 2000, `took ${Date.now() - began} ms`);
    assert.equal(backend.state.kind, 'failed');
    const [start] = starts();
    assert.ok(start?.child, 'the fake backend started a child process');
    await assertGone(start);
    assert.deepEqual(shownMessages, []);
  });

  it('says how a backend that exits at once ended', async () => {
    const backend = client('exit-at-once');
    await assert.rejects(backend.ensureStarted(), {
      message: 'The Takoss backend exited with code 3 before it answered; see "Takoss: Show Logs".',
    });
    assert.equal(backend.state.kind, 'failed');
  });

  it('rejects requests in flight with a clear message when the backend crashes, then restarts it', async () => {
    const backend = client('ok');
    await backend.ensureStarted();
    const slow = backend.request(Slow);
    const crash = backend.request(Crash);
    await assert.rejects(slow, { message: crashMessage('test/slow') });
    await assert.rejects(crash, { message: crashMessage('test/crash') });
    await stateOf(backend, 'running');
    assert.equal((await backend.request(HealthRequest)).phase, 'ready');
    const [first, second] = starts();
    assert.ok(first && second && !second.overlap);
    await assertGone(first);
    assert.deepEqual(shownMessages, []);
  });

  it('shows no pop-up when requests race the crash of the backend', async () => {
    process.env.TAKOSS_FAKE_BACKEND = 'ok';
    let closed = false;
    const connection = await BackendConnection.fork({
      serverModule: FAKE_BACKEND,
      log: log.channel,
      apiKey: undefined,
      onUnexpectedClose: () => (closed = true),
    });
    await connection.initialize({ settings: {} });
    // What each request failed with ('' if it succeeded).
    const failure = (method: string) =>
      connection.sendRequest(method).then(
        () => '',
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      );
    const failures = [failure('test/crash')];
    // Keep writing while the process dies: some writes meet a closed channel.
    const deadline = Date.now() + 3000;
    while (!closed && Date.now() < deadline) {
      failures.push(failure('test/slow'));
      await new Promise((resolve) => setImmediate(resolve));
    }
    assert.ok(closed, 'the connection closed');
    assert.ok(failures.length > 1);
    for (const message of await Promise.all(failures)) assert.match(message, crashMessage('test/(slow|crash)'));
    assert.deepEqual(shownMessages, []);
    await connection.stop(1000);
  });

  it('stops restarting a backend whose restarts keep failing, even after a long healthy run', async () => {
    let now = 0;
    const backend = client('first-then-exit', {
      restartPolicy: { initialDelayMs: 10, maxConsecutiveCrashes: 3 },
      now: () => now,
    });
    await backend.ensureStarted();
    now = 120_000; // the first run was healthy for two minutes
    const failed = stateOf(backend, 'failed');
    await assert.rejects(backend.request(Crash), { message: crashMessage('test/crash') });
    const state = await failed;
    assert.match(state.kind === 'failed' ? state.reason : '', /stopped 4 times in a row and was not restarted again/);
    await sleep(100);
    assert.equal(starts().length, 4, 'the first start and three failed restarts');
    await assert.rejects(backend.ensureStarted(), /stopped 4 times in a row/);
    assert.deepEqual(shownMessages, []);
  });

  it('stops at once during a start that hangs, leaving no process', async () => {
    const backend = client('hang-initialize');
    const starting = backend.ensureStarted();
    starting.catch(() => undefined);
    const start = await startNumber(0);
    const began = Date.now();
    await backend.dispose();
    assert.ok(Date.now() - began < 1500, `dispose took ${Date.now() - began} ms`);
    await assert.rejects(starting, /stopped while it was starting/);
    await assertGone(start);
  });

  it('restarts by hand during a start that hangs', async () => {
    const backend = client('hang-initialize');
    backend.ensureStarted().catch(() => undefined);
    const first = await startNumber(0);
    const restarting = backend.restart();
    restarting.catch(() => undefined);
    const second = await startNumber(1);
    assert.equal(second.overlap, false, 'the first backend was gone before the second started');
    await assertGone(first);
    await backend.dispose();
    await assert.rejects(restarting, /stopped while it was starting/);
    await assertGone(second);
  });

  it('has no settled health while it restarts or after it is disposed: Build App waits for the new backend', async () => {
    const backend = client('slow-shutdown');
    assert.equal((await backend.ensureSettled()).phase, 'ready');
    assert.equal(backend.settledHealth()?.phase, 'ready');
    const restarting = backend.restart(); // the fake takes 400 ms to shut down
    await sleep(20);
    assert.equal(backend.settledHealth(), undefined, 'the old backend is stopping');
    await restarting;
    assert.equal((await backend.ensureSettled()).phase, 'ready');
    assert.equal(backend.settledHealth()?.phase, 'ready', 'the new backend');
    await backend.dispose();
    assert.equal(backend.settledHealth(), undefined, 'disposed');
  });

  it('lets a request made during a stop wait for it, then start one backend', async () => {
    const backend = client('slow-shutdown');
    await backend.ensureStarted();
    const restarting = backend.restart(); // the fake takes 400 ms to shut down
    await sleep(20);
    const health = await backend.request(HealthRequest);
    await restarting;
    assert.equal(health.phase, 'ready');
    await stateOf(backend, 'running');
    await sleep(50);
    assert.equal(backend.state.kind, 'running', 'the finished stop did not mark the new backend stopped');
    const [first, second, third] = starts();
    assert.ok(first && second && !third, `two starts: ${JSON.stringify(starts())}`);
    assert.equal(second.overlap, false, 'the first backend was gone before the second started');
    await assertGone(first);
  });
});
