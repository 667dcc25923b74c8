import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { TakossError } from '../../server/src/errors';
import {
  PackageJsonError,
  buildVerifyEnv,
  detectToolchain,
  isPlaceholderTestScript,
  withoutParentBins,
  type Toolchain,
} from '../../server/src/verify';
import { createProject, packageJson } from '../fixtures/verify/projects';

const NPM_PLACEHOLDER = 'echo "Error: no test specified" && exit 1';
const withDeps = { dependencies: { express: '^5.0.0' } };

function detected(toolchain: Toolchain): Extract<Toolchain, { detected: true }> {
  if (!toolchain.detected) assert.fail(`expected a toolchain: ${toolchain.reason}`);
  return toolchain;
}

const commandLines = (toolchain: Toolchain): string[] => detected(toolchain).steps.map((step) => step.commandLine);

describe('verify: toolchain detection (package.json and lockfile, nothing run)', () => {
  const roots: string[] = [];
  const project = async (files: Record<string, string>): Promise<string> => {
    const root = await createProject(files);
    roots.push(root);
    return root;
  };

  after(async () => {
    await Promise.all(roots.map((root) => fs.rm(root, { recursive: true, force: true })));
  });

  it('chooses npm ci when package-lock.json exists, then build and test in that order', async () => {
    const root = await project({
      'package.json': packageJson({ build: 'tsc', test: 'node --test' }, withDeps),
      'package-lock.json': '{}',
    });
    const toolchain = detected(await detectToolchain(root));
    assert.equal(toolchain.packageManager, 'npm');
    assert.equal(toolchain.lockfile, 'package-lock.json');
    assert.deepEqual(
      toolchain.steps.map((step) => [step.name, step.command, step.args]),
      [
        ['install', 'npm', ['ci']],
        ['build', 'npm', ['run', 'build']],
        ['test', 'npm', ['run', 'test']],
      ],
    );
  });

  it('chooses npm ci for npm-shrinkwrap.json and npm install without a lockfile', async () => {
    const shrinkwrap = await project({
      'package.json': packageJson({ test: 'node --test' }, withDeps),
      'npm-shrinkwrap.json': '{}',
    });
    assert.deepEqual(commandLines(await detectToolchain(shrinkwrap)), ['npm ci', 'npm run test']);
    const unlocked = await project({ 'package.json': packageJson({ test: 'node --test' }, withDeps) });
    assert.deepEqual(commandLines(await detectToolchain(unlocked)), ['npm install', 'npm run test']);
  });

  it('uses pnpm and yarn with a frozen lockfile (yarn 2+ says --immutable)', async () => {
    const manifest = packageJson({ test: 'vitest run' }, withDeps);
    const pnpm = await project({ 'package.json': manifest, 'pnpm-lock.yaml': '' });
    assert.deepEqual(commandLines(await detectToolchain(pnpm)), ['pnpm install --frozen-lockfile', 'pnpm run test']);
    const yarn = await project({ 'package.json': manifest, 'yarn.lock': '' });
    assert.deepEqual(commandLines(await detectToolchain(yarn)), ['yarn install --frozen-lockfile', 'yarn run test']);
    const berry = await project({ 'package.json': manifest, 'yarn.lock': '', '.yarnrc.yml': '' });
    assert.deepEqual(commandLines(await detectToolchain(berry)), ['yarn install --immutable', 'yarn run test']);
  });

  it('lets package.json "packageManager" choose between several lockfiles', async () => {
    const root = await project({
      'package.json': packageJson({ test: 'node --test' }, { ...withDeps, packageManager: 'pnpm@9.12.0' }),
      'package-lock.json': '{}',
      'pnpm-lock.yaml': '',
    });
    const toolchain = detected(await detectToolchain(root));
    assert.equal(toolchain.packageManager, 'pnpm');
    assert.equal(toolchain.lockfile, 'pnpm-lock.yaml');
  });

  it('skips install when nothing is declared as a dependency, and says so', async () => {
    const root = await project({ 'package.json': packageJson({ build: 'node build.js', test: 'node --test' }) });
    const toolchain = detected(await detectToolchain(root));
    assert.deepEqual(commandLines(toolchain), ['npm run build', 'npm run test']);
    assert.deepEqual(toolchain.skipped, [{ name: 'install', reason: 'package.json declares no dependencies' }]);
  });

  it('treats npm’s placeholder test script as no tests', async () => {
    assert.equal(isPlaceholderTestScript(NPM_PLACEHOLDER), true);
    assert.equal(isPlaceholderTestScript("echo 'Error: no test specified' && exit 1"), true);
    assert.equal(isPlaceholderTestScript('node --test'), false);
    const root = await project({ 'package.json': packageJson({ build: 'node build.js', test: NPM_PLACEHOLDER }) });
    const toolchain = detected(await detectToolchain(root));
    assert.deepEqual(commandLines(toolchain), ['npm run build']);
    assert.match(toolchain.skipped.find((step) => step.name === 'test')?.reason ?? '', /placeholder/);
  });

  it('detects no toolchain without package.json, or with neither build nor test script', async () => {
    const empty = await project({ 'index.html': '<h1>hi</h1>' });
    assert.deepEqual(await detectToolchain(empty), {
      detected: false,
      reason: 'no toolchain detected: there is no package.json in the workspace root',
    });
    const scriptless = await project({ 'package.json': packageJson({ test: NPM_PLACEHOLDER }, withDeps) });
    const toolchain = await detectToolchain(scriptless);
    assert.equal(toolchain.detected, false);
    assert.match(toolchain.detected ? '' : toolchain.reason, /neither a build script nor a test script/);
  });

  it('names the file when package.json is not valid JSON', async () => {
    const root = await project({ 'package.json': '{ "name": "broken", }' });
    const file = path.join(root, 'package.json');
    await assert.rejects(detectToolchain(root), (error: unknown) => {
      assert.ok(error instanceof PackageJsonError);
      assert.equal(error.file, file);
      assert.ok(error.message.startsWith(`${file} is not valid JSON: `), error.message);
      return true;
    });
  });

  it('names the file and the field when package.json has fields of the wrong shape', async () => {
    const root = await project({ 'package.json': JSON.stringify({ scripts: ['test'], dependencies: { a: 1 } }) });
    await assert.rejects(detectToolchain(root), (error: unknown) => {
      assert.ok(error instanceof PackageJsonError);
      assert.match(error.message, /package\.json has fields of the wrong shape — "scripts": .*; "dependencies\.a": /);
      return true;
    });
    const notAnObject = await project({ 'package.json': '[]' });
    await assert.rejects(detectToolchain(notAnObject), /package\.json has fields of the wrong shape — the top level/);
  });

  it('accepts a UTF-8 byte-order mark, as npm does', async () => {
    const root = await project({ 'package.json': `\uFEFF${packageJson({ test: 'node --test' })}` });
    assert.deepEqual(commandLines(await detectToolchain(root)), ['npm run test']);
  });

  it('lets pnpm and yarn 2+ write a lockfile when there is none (CI=1 would freeze it)', async () => {
    const manifest = (extra: Record<string, unknown> = {}): string =>
      packageJson({ test: 'node --test' }, { ...withDeps, ...extra });
    const pnpm = await project({ 'package.json': manifest({ packageManager: 'pnpm@9.12.0' }) });
    assert.deepEqual(commandLines(await detectToolchain(pnpm)), ['pnpm install --no-frozen-lockfile', 'pnpm run test']);
    const yarn1 = await project({ 'package.json': manifest({ packageManager: 'yarn@1.22.22' }) });
    assert.deepEqual(commandLines(await detectToolchain(yarn1)), ['yarn install', 'yarn run test']);
    const berryByField = await project({ 'package.json': manifest({ packageManager: 'yarn@4.5.0' }) });
    assert.deepEqual(commandLines(await detectToolchain(berryByField)), [
      'yarn install --no-immutable',
      'yarn run test',
    ]);
    const berryByRc = await project({ 'package.json': manifest({ packageManager: 'yarn@3.0.0' }), '.yarnrc.yml': '' });
    assert.deepEqual(commandLines(await detectToolchain(berryByRc)), ['yarn install --no-immutable', 'yarn run test']);
    const lockedBerry = await project({ 'package.json': manifest({ packageManager: 'yarn@2.4.3' }), 'yarn.lock': '' });
    assert.deepEqual(commandLines(await detectToolchain(lockedBerry)), ['yarn install --immutable', 'yarn run test']);
  });

  it('names at most five wrong-shaped fields, however many there are', async () => {
    const scripts = Object.fromEntries(Array.from({ length: 50_000 }, (_, index) => [`s${index}`, index]));
    const root = await project({ 'package.json': JSON.stringify({ scripts }) });
    await assert.rejects(detectToolchain(root), (error: unknown) => {
      assert.ok(error instanceof PackageJsonError);
      assert.ok(error.message.length < 1_500, `${error.message.length} characters`);
      assert.match(error.message, /"scripts\.s4": .*\(and 49995 more\)$/);
      assert.doesNotMatch(error.message, /"scripts\.s5"/);
      return true;
    });
  });

  it('reads only a regular package.json of at most 1 MiB, never a FIFO, nor a symlink leading outside', async function () {
    if (process.platform === 'win32') this.skip();
    const fifo = await project({});
    execFileSync('mkfifo', [path.join(fifo, 'package.json')]);
    await assert.rejects(detectToolchain(fifo), (error: unknown) => {
      assert.ok(error instanceof PackageJsonError);
      assert.equal(error.message, `${path.join(fifo, 'package.json')} is not a regular file; it is not read`);
      return true;
    });
    const big = await project({ 'package.json': `{"description": "${'x'.repeat(1024 * 1024)}"}` });
    await assert.rejects(detectToolchain(big), /package\.json is larger than 1048576 bytes \(1 MiB\); it is not read/);

    const outside = await project({ 'package.json': packageJson({ test: 'node --test' }) });
    const escaping = await project({});
    await fs.symlink(path.join(outside, 'package.json'), path.join(escaping, 'package.json'));
    await assert.rejects(detectToolchain(escaping), /package\.json is a symbolic link to a file outside the workspace/);
    const inside = await project({ 'real.json': packageJson({ test: 'node --test' }) });
    await fs.symlink(path.join(inside, 'real.json'), path.join(inside, 'package.json'));
    assert.deepEqual(commandLines(await detectToolchain(inside)), ['npm run test']);
  });

  it('reads nothing once the signal is aborted', async () => {
    const root = await project({ 'package.json': packageJson({ test: 'node --test' }) });
    const reason = new Error('stop');
    await assert.rejects(
      detectToolchain(root, { signal: AbortSignal.abort(reason) }),
      (error: unknown) => error === reason,
    );
  });
});

describe('verify: the clean environment', () => {
  const parent: NodeJS.ProcessEnv = {
    PATH: '/usr/bin:/bin',
    HOME: '/home/someone',
    LANG: 'en_US.UTF-8',
    ANTHROPIC_API_KEY: 'sk-ant-sentinel',
    ANTHROPIC_BASE_URL: 'http://127.0.0.1:9',
    REDIS_URL: 'redis://secret@127.0.0.1:6379',
    DATABASE_URL: 'postgresql://takoss:takoss@127.0.0.1/takoss',
    NODE_ENV: 'production',
    NODE_OPTIONS: '--import tsx',
    AWS_SECRET_ACCESS_KEY: 'aws-sentinel',
  };

  it('keeps only PATH, HOME and LANG of the parent and sets the rest itself', () => {
    const env = buildVerifyEnv({ from: parent, tmpDir: '/tmp/takoss-verify-x', platform: 'linux' });
    assert.deepEqual(env, {
      PATH: '/usr/bin:/bin',
      HOME: '/home/someone',
      LANG: 'en_US.UTF-8',
      TMPDIR: '/tmp/takoss-verify-x',
      CI: '1',
      NO_COLOR: '1',
      FORCE_COLOR: '0',
      npm_config_update_notifier: 'false',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_prefer_offline: 'true',
      COREPACK_ENABLE_DOWNLOAD_PROMPT: '0',
    });
  });

  it('drops the parent’s package bins from PATH, so a project cannot borrow our tsc or mocha', () => {
    const searchPath =
      '/w/takoss/node_modules/.bin:/usr/lib/node_modules/npm/node_modules/@npmcli/run-script/lib/node-gyp-bin:/usr/local/bin:/usr/bin';
    assert.equal(
      buildVerifyEnv({ from: { PATH: searchPath }, tmpDir: '/t', platform: 'linux' }).PATH,
      '/usr/local/bin:/usr/bin',
    );
    assert.equal(withoutParentBins('C:\\w\\node_modules\\.bin;C:\\Windows', 'win32'), 'C:\\Windows');
  });

  it('takes extra variables but refuses Takoss’s own secrets among them', () => {
    const env = buildVerifyEnv({ from: parent, tmpDir: '/t', extra: { HTTPS_PROXY: 'http://proxy:3128' } });
    assert.equal(env.HTTPS_PROXY, 'http://proxy:3128');
    for (const name of ['ANTHROPIC_API_KEY', 'anthropic_api_key', 'REDIS_URL', 'DATABASE_URL', 'NODE_OPTIONS']) {
      assert.throws(
        () => buildVerifyEnv({ from: parent, tmpDir: '/t', extra: { [name]: 'x' } }),
        (error: unknown) => error instanceof TakossError && error.message.includes(`never passes ${name}`),
      );
    }
  });
});
