import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { VerifyCancelledError, runVerify, withoutParentBins, type VerifyResult } from '../../server/src/verify';
import { REPO_ROOT } from '../helpers/paths';
import { waitUntil } from '../helpers/eventually';
import {
  createProject,
  envProject,
  failingProject,
  graceProject,
  hangingProject,
  isAlive,
  localDependencyProject,
  packageJson,
  passingProject,
  readPids,
  type ProjectFiles,
} from '../fixtures/verify/projects';

const CHILD_SCRIPT = path.join(REPO_ROOT, 'test', 'fixtures', 'verify', 'verifyInChild.ts');
const SENTINEL_KEY = 'sk-ant-verify-sentinel-0123456789';
const SENTINEL_REDIS = 'redis://:sentinel-password@127.0.0.1:6379';
const SENTINEL_DATABASE = 'postgresql://takoss:sentinel-password@127.0.0.1:5432/takoss';

const stepNames = (result: VerifyResult): string[] => result.steps.map((step) => step.name);

describe('verify: running a project’s build and tests (real child processes)', function () {
  this.timeout(20_000);
  const roots: string[] = [];
  const project = async (files: ProjectFiles): Promise<string> => {
    const root = await createProject(files);
    roots.push(root);
    return root;
  };

  after(async () => {
    await Promise.all(roots.map((root) => fs.rm(root, { recursive: true, force: true })));
  });

  it('passes a project whose build and tests pass', async () => {
    const root = await project(passingProject);
    const started: string[] = [];
    const result = await runVerify(root, { onStepStart: (step) => started.push(step.commandLine) });
    assert.equal(result.outcome, 'passed', result.reason);
    assert.deepEqual(started, ['npm run build', 'npm run test']);
    assert.deepEqual(stepNames(result), ['build', 'test']);
    assert.deepEqual(result.skipped, [{ name: 'install', reason: 'package.json declares no dependencies' }]);
    for (const step of result.steps) {
      assert.equal(step.exitCode, 0);
      assert.equal(step.timedOut, false);
      assert.ok(step.durationMs > 0);
    }
    assert.match(result.steps[0]?.output ?? '', /build ok/);
    assert.match(result.steps[1]?.excerpt ?? '', /# pass 1/);
    assert.equal(result.failure, undefined);
  });

  it('installs first (npm install, then npm ci once a lockfile exists) when there are dependencies', async () => {
    const root = await project(localDependencyProject);
    // A registry nobody answers at: the install must not need the network.
    const offline = { extraEnv: { npm_config_registry: 'http://127.0.0.1:9/' } };
    const first = await runVerify(root, offline);
    assert.equal(first.outcome, 'passed', first.reason);
    assert.deepEqual(
      first.steps.map((step) => step.command),
      ['npm install', 'npm run test'],
    );
    await fs.stat(path.join(root, 'package-lock.json'));
    const second = await runVerify(root, offline);
    assert.equal(second.outcome, 'passed', second.reason);
    assert.deepEqual(
      second.steps.map((step) => step.command),
      ['npm ci', 'npm run test'],
    );
  });

  it('fails at the failing test, with the assertion in the excerpt and the test file among the files', async () => {
    const root = await project(failingProject);
    const result = await runVerify(root);
    assert.equal(result.outcome, 'failed');
    assert.equal(result.failedStep, 'test');
    assert.deepEqual(stepNames(result), ['build', 'test']);
    const test = result.steps[1];
    assert.notEqual(test?.exitCode, 0);
    assert.match(test?.excerpt ?? '', /add\(1, 2\) should be 3/);
    assert.equal(result.failure?.command, 'npm run test');
    assert.match(result.failure?.summary ?? '', /^npm run test failed with exit code [1-9]/);
    assert.equal(result.failure?.excerpt, test?.excerpt);
    assert.ok(result.failure?.files.includes('test/add.test.js'), String(result.failure?.files));
  });

  it('stops at the first failing step: a failing build runs no tests', async () => {
    const root = await project({ ...passingProject, 'build.js': "throw new Error('the build broke');\n" });
    const result = await runVerify(root);
    assert.equal(result.outcome, 'failed');
    assert.equal(result.failedStep, 'build');
    assert.deepEqual(stepNames(result), ['build']);
    assert.match(result.failure?.excerpt ?? '', /the build broke/);
    assert.deepEqual(result.failure?.files, ['build.js']);
  });

  it('kills a step that hangs at its timeout, with everything it started', async () => {
    const root = await project(hangingProject);
    const result = await runVerify(root, { timeoutsMs: { test: 2_000 }, killGraceMs: 200 });
    assert.equal(result.outcome, 'failed');
    assert.equal(result.failedStep, 'test');
    const test = result.steps[0];
    assert.equal(test?.timedOut, true);
    assert.equal(result.failure?.summary, 'npm run test timed out after 2 s');
    assert.match(test?.output ?? '', /hanging/);
    assert.match(test?.excerpt ?? '', /\[takoss\] timed out after 2 s/);
    const pids = readPids(root);
    assert.ok(pids !== undefined && pids.length === 2, 'hang.js wrote its pids');
    // hang.js ignores SIGTERM: only the SIGKILL to the whole group ends it and its child.
    await waitUntil('the hanging processes to be gone', () => pids.every((pid) => !isAlive(pid)), 2_000);
  });

  it('gives the rest of the group its kill grace when the command itself exits at SIGTERM', async () => {
    const root = await project(graceProject);
    const result = await runVerify(root, { timeoutsMs: { test: 1_500 }, killGraceMs: 2_000 });
    assert.equal(result.outcome, 'failed');
    const output = result.steps[0]?.output ?? '';
    assert.match(output, /reporter ready/);
    assert.match(output, /still running: the test that hung/);
    assert.match(output, /still running 2000 ms after SIGTERM: killed with SIGKILL/);
    const pids = readPids(root) ?? [];
    assert.equal(pids.length, 2);
    await waitUntil('the group to be gone', () => pids.every((pid) => !isAlive(pid)), 2_000);
  });

  it('kills the running step’s group when the backend dies by SIGTERM, and still dies by it', async () => {
    const root = await project(hangingProject);
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD_SCRIPT, root], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
      child.once('exit', (code, signal) => resolve(signal ?? code)),
    );
    try {
      await waitUntil('hang.js to start', () => readPids(root) !== undefined, 15_000);
      const pids = readPids(root) ?? [];
      child.kill('SIGTERM');
      assert.equal(await exited, 'SIGTERM', stderr);
      await waitUntil('the hanging processes to be gone', () => pids.every((pid) => !isAlive(pid)), 2_000);
    } finally {
      child.kill('SIGKILL');
      for (const pid of readPids(root) ?? []) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
  });

  it('rejects a timeout that is not a positive finite number', async () => {
    const root = await project(passingProject);
    await assert.rejects(runVerify(root, { timeoutsMs: { build: Number.NaN } }), /timeoutMs must be a finite number/);
    await assert.rejects(runVerify(root, { timeoutsMs: { build: 0 } }), /timeoutMs must be a finite number/);
    await assert.rejects(runVerify(root, { killGraceMs: Infinity }), /killGraceMs must be a finite number/);
  });

  it('runs project code without the API key, Redis or PostgreSQL URLs, or any other variable of ours', async () => {
    const saved = { ...process.env };
    const restore = (): void => {
      for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
      Object.assign(process.env, saved);
    };
    process.env.ANTHROPIC_API_KEY = SENTINEL_KEY;
    process.env.ANTHROPIC_BASE_URL = 'http://127.0.0.1:9/sentinel';
    process.env.REDIS_URL = SENTINEL_REDIS;
    process.env.DATABASE_URL = SENTINEL_DATABASE;
    process.env.NODE_ENV = 'production';
    process.env.TAKOSS_VERIFY_SENTINEL = 'sentinel-other-variable';
    let tmpDirOfRun: string | undefined;
    try {
      const root = await project(envProject);
      const result = await runVerify(root);
      assert.equal(result.outcome, 'passed', result.reason);
      const raw = await fs.readFile(path.join(root, 'env.json'), 'utf8');
      for (const secret of [SENTINEL_KEY, 'sentinel-password', '/sentinel', 'sentinel-other-variable']) {
        assert.ok(!raw.includes(secret), `the child saw ${secret}`);
      }
      const env = JSON.parse(raw) as Record<string, string>;
      for (const name of ['ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL', 'REDIS_URL', 'DATABASE_URL', 'NODE_ENV']) {
        assert.equal(env[name], undefined, name);
      }
      assert.equal(env.CI, '1');
      // npm puts the project's own bins first; the rest is ours without our package bins.
      assert.ok(env.PATH?.endsWith(withoutParentBins(process.env.PATH ?? '')), env.PATH);
      assert.ok(!env.PATH?.includes(path.join(REPO_ROOT, 'node_modules', '.bin')), env.PATH);
      tmpDirOfRun = env.TMPDIR;
      assert.ok(tmpDirOfRun?.startsWith(path.join(os.tmpdir(), 'takoss-verify-')), tmpDirOfRun);
    } finally {
      restore();
    }
    // The per-run TMPDIR is removed afterwards.
    assert.ok(tmpDirOfRun !== undefined);
    await assert.rejects(fs.stat(tmpDirOfRun), { code: 'ENOENT' });
  });

  it('runs nothing without package.json, and says why', async () => {
    const root = await project({ 'index.js': "console.log('hi');\n" });
    assert.deepEqual(await runVerify(root), {
      outcome: 'not_run',
      steps: [],
      reason: 'no toolchain detected: there is no package.json in the workspace root',
    });
  });

  it('fails on an invalid package.json, naming the file, so a repair can fix it', async () => {
    const root = await project({ 'package.json': '{ "scripts": { "test": "node --test" } ' });
    const result = await runVerify(root);
    assert.equal(result.outcome, 'failed');
    assert.equal(result.failedStep, 'package.json');
    assert.deepEqual(result.steps, []);
    assert.ok(result.reason?.startsWith(`${path.join(root, 'package.json')} is not valid JSON: `), result.reason);
    assert.deepEqual(result.failure?.files, ['package.json']);
  });

  it('keeps the failure of a package.json with fifty thousand bad fields small', async () => {
    const scripts = Object.fromEntries(Array.from({ length: 50_000 }, (_, index) => [`s${index}`, index]));
    const root = await project({ 'package.json': JSON.stringify({ scripts }) });
    const result = await runVerify(root, { excerptBytes: 512 });
    assert.equal(result.failedStep, 'package.json');
    assert.match(result.failure?.summary ?? '', /wrong shape .*\(and 49995 more\)$/);
    assert.ok((result.failure?.summary.length ?? Infinity) < 1_500, result.failure?.summary);
    assert.ok(Buffer.byteLength(result.failure?.excerpt ?? '') <= 512, result.failure?.excerpt);
  });

  it('runs nothing on Windows, and says so', async () => {
    const root = await project(passingProject);
    assert.deepEqual(await runVerify(root, { platform: 'win32' }), {
      outcome: 'not_run',
      steps: [],
      reason: 'Verifying projects is not supported on Windows yet',
    });
  });

  it('does not count a missing package manager as a failure of the project', async () => {
    const root = await project({ 'package.json': packageJson({ test: 'node --test' }) });
    const emptyBin = await project({});
    const result = await runVerify(root, { baseEnv: { PATH: emptyBin, HOME: os.homedir() } });
    assert.equal(result.outcome, 'not_run');
    assert.equal(result.reason, 'npm is not installed or not on PATH; the project needs it for "npm run test"');
    assert.equal(result.failure, undefined);
  });

  it('stops the running step when its AbortSignal fires, and rejects as cancelled', async () => {
    const root = await project(hangingProject);
    const controller = new AbortController();
    const run = runVerify(root, { signal: controller.signal, killGraceMs: 200 });
    await waitUntil('hang.js to start', () => readPids(root) !== undefined, 10_000);
    const pids = readPids(root) ?? [];
    controller.abort();
    await assert.rejects(run, (error: unknown) => error instanceof VerifyCancelledError && error.name === 'AbortError');
    await waitUntil('the cancelled processes to be gone', () => pids.every((pid) => !isAlive(pid)), 2_000);
  });

  it('runs nothing when the signal is already aborted', async () => {
    const root = await project(passingProject);
    await assert.rejects(runVerify(root, { signal: AbortSignal.abort() }), VerifyCancelledError);
  });

  it('streams each step’s output as it comes', async () => {
    const root = await project(passingProject);
    const chunks: string[] = [];
    await runVerify(root, { onOutput: (step, chunk) => chunks.push(`${step}:${chunk}`) });
    assert.ok(chunks.some((chunk) => chunk.startsWith('build:') && chunk.includes('build ok')));
    assert.ok(chunks.some((chunk) => chunk.startsWith('test:')));
  });
});
