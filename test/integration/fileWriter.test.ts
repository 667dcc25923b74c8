import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TakossError } from '../../server/src/errors';
import {
  type FileChange,
  type FileOutcome,
  type WriteLedger,
  applyChanges,
  planChanges,
  resolveInWorkspace,
  writeFileAtomic,
} from '../../server/src/workspace';

/** What the engine will store per chain; here, in memory. */
class MemoryLedger implements WriteLedger {
  readonly records = new Map<string, string>();
  readonly sets: string[] = [];

  get(filePath: string): Promise<string | undefined> {
    return Promise.resolve(this.records.get(filePath));
  }

  set(filePath: string, sha256: string): Promise<void> {
    this.records.set(filePath, sha256);
    this.sets.push(filePath);
    return Promise.resolve();
  }
}

const sha = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** Every entry under `dir`, relative, without following symlinks. */
async function listAll(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (current: string): Promise<void> => {
    for (const entry of await fs.readdir(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name);
      found.push(path.relative(dir, full).split(path.sep).join('/'));
      if (entry.isDirectory()) await walk(full);
    }
  };
  await walk(dir);
  return found.sort();
}

function actions(outcomes: readonly FileOutcome[]): string[] {
  return outcomes.map((outcome) => `${outcome.path}:${outcome.action}`);
}

function reasonOf(outcome: FileOutcome | undefined): string {
  assert.ok(outcome && (outcome.action === 'skipped' || outcome.action === 'refused'), 'an outcome with a reason');
  return outcome.reason;
}

describe('guarded file writer (real file system)', () => {
  let base: string;
  let root: string;
  let outside: string;
  let ledger: MemoryLedger;

  beforeEach(async () => {
    base = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'takoss-writer-')));
    root = path.join(base, 'app');
    outside = path.join(base, 'outside');
    await fs.mkdir(root);
    await fs.mkdir(outside);
    ledger = new MemoryLedger();
  });

  afterEach(async () => {
    await fs.rm(base, { recursive: true, force: true });
  });

  const read = (relative: string): Promise<string> => fs.readFile(path.join(root, relative), 'utf8');

  describe('create, update, unchanged', () => {
    it('creates files and their missing folders, mode 0644, and records them in the ledger', async () => {
      const result = await applyChanges(
        root,
        [
          { path: 'src/App.tsx', content: 'export const App = 1;\n' },
          { path: './deep/er/still/x.ts', content: 'x' },
        ],
        ledger,
      );
      assert.equal(result.refused, false);
      assert.deepEqual(result.outcomes, [
        { path: 'src/App.tsx', action: 'created', sha256: sha('export const App = 1;\n'), bytes: 22 },
        { path: 'deep/er/still/x.ts', action: 'created', sha256: sha('x'), bytes: 1 },
      ]);
      assert.equal(await read('src/App.tsx'), 'export const App = 1;\n');
      assert.equal((await fs.stat(path.join(root, 'src/App.tsx'))).mode & 0o777, 0o644);
      assert.equal(ledger.records.get('src/App.tsx'), sha('export const App = 1;\n'));
      assert.equal(ledger.records.get('deep/er/still/x.ts'), sha('x'));
    });

    it('is idempotent: the same batch twice leaves the files untouched the second time', async () => {
      const batch: FileChange[] = [
        { path: 'a.txt', content: 'alpha' },
        { path: 'docs/日本.md', content: '# 日本\n' },
      ];
      await applyChanges(root, batch, ledger);
      const before = await fs.stat(path.join(root, 'a.txt'));
      await new Promise((resolve) => setTimeout(resolve, 20));
      const again = await applyChanges(root, batch, ledger);
      assert.deepEqual(actions(again.outcomes), ['a.txt:unchanged', 'docs/日本.md:unchanged']);
      const after = await fs.stat(path.join(root, 'a.txt'));
      assert.equal(after.mtimeMs, before.mtimeMs);
      assert.equal(after.ino, before.ino);
      assert.deepEqual(ledger.sets, ['a.txt', 'docs/日本.md', 'a.txt', 'docs/日本.md']);
    });

    it('records an identical pre-existing file as unchanged (nothing to write)', async () => {
      await fs.writeFile(path.join(root, 'same.txt'), 'same');
      const result = await applyChanges(root, [{ path: 'same.txt', content: 'same' }], ledger);
      assert.deepEqual(actions(result.outcomes), ['same.txt:unchanged']);
      assert.equal(ledger.records.get('same.txt'), sha('same'));
    });

    it('updates a file it wrote and the user did not touch', async () => {
      await applyChanges(root, [{ path: 'a.txt', content: 'one' }], ledger);
      const result = await applyChanges(root, [{ path: 'a.txt', content: 'two' }], ledger);
      assert.deepEqual(result.outcomes, [{ path: 'a.txt', action: 'updated', sha256: sha('two'), bytes: 3 }]);
      assert.equal(await read('a.txt'), 'two');
      assert.equal(ledger.records.get('a.txt'), sha('two'));
    });

    it('keeps the existing file mode on update', async () => {
      await applyChanges(root, [{ path: 'run.sh', content: '#!/bin/sh\n' }], ledger);
      await fs.chmod(path.join(root, 'run.sh'), 0o750);
      await applyChanges(root, [{ path: 'run.sh', content: '#!/bin/sh\necho hi\n' }], ledger);
      assert.equal((await fs.stat(path.join(root, 'run.sh'))).mode & 0o777, 0o750);
      await fs.writeFile(path.join(root, 'secret.txt'), 'mine', { mode: 0o600 });
      await fs.chmod(path.join(root, 'secret.txt'), 0o600);
      await applyChanges(root, [{ path: 'secret.txt', content: 'new' }], ledger, { overwrite: true });
      assert.equal((await fs.stat(path.join(root, 'secret.txt'))).mode & 0o777, 0o600);
    });

    it('returns outcomes in input order', async () => {
      await fs.writeFile(path.join(root, 'user.txt'), 'user');
      await applyChanges(root, [{ path: 'same.txt', content: 's' }], ledger);
      const result = await applyChanges(
        root,
        [
          { path: 'z.txt', content: 'z' },
          { path: 'user.txt', content: 'model' },
          { path: 'same.txt', content: 's' },
          { path: 'a.txt', content: 'a' },
        ],
        ledger,
      );
      assert.deepEqual(actions(result.outcomes), [
        'z.txt:created',
        'user.txt:skipped',
        'same.txt:unchanged',
        'a.txt:created',
      ]);
      assert.equal(result.refused, false);
    });

    it('accepts an empty batch', async () => {
      assert.deepEqual(await applyChanges(root, [], ledger), { outcomes: [], refused: false });
    });
  });

  describe("a user's files", () => {
    it('skips a file Takoss did not write, leaving content and mtime alone, unless overwrite', async () => {
      const file = path.join(root, 'notes.md');
      await fs.writeFile(file, 'my notes');
      const past = new Date('2020-01-02T03:04:05Z');
      await fs.utimes(file, past, past);
      const result = await applyChanges(root, [{ path: 'notes.md', content: 'generated' }], ledger);
      assert.equal(result.outcomes[0]?.action, 'skipped');
      assert.match(
        reasonOf(result.outcomes[0]),
        /"notes\.md" already exists and Takoss did not write it; pass overwrite/,
      );
      assert.equal(result.refused, false);
      assert.equal(await read('notes.md'), 'my notes');
      assert.equal((await fs.stat(file)).mtimeMs, past.getTime());
      assert.equal(ledger.records.has('notes.md'), false);

      const forced = await applyChanges(root, [{ path: 'notes.md', content: 'generated' }], ledger, {
        overwrite: true,
      });
      assert.equal(forced.outcomes[0]?.action, 'updated');
      assert.equal(await read('notes.md'), 'generated');
    });

    it('never clobbers an edit made after Takoss wrote the file, even when the task is redelivered', async () => {
      const batch = [{ path: 'src/a.ts', content: 'generated' }];
      await applyChanges(root, batch, ledger);
      await fs.writeFile(path.join(root, 'src/a.ts'), 'generated + my edit');
      const redelivered = await applyChanges(root, batch, ledger);
      assert.equal(redelivered.outcomes[0]?.action, 'skipped');
      assert.match(reasonOf(redelivered.outcomes[0]), /was changed after Takoss wrote it; keeping that edit/);
      assert.equal(await read('src/a.ts'), 'generated + my edit');
      const newer = await applyChanges(root, [{ path: 'src/a.ts', content: 'v2' }], ledger);
      assert.equal(newer.outcomes[0]?.action, 'skipped');
      assert.equal(await read('src/a.ts'), 'generated + my edit');
      const forced = await applyChanges(root, [{ path: 'src/a.ts', content: 'v2' }], ledger, { overwrite: true });
      assert.equal(forced.outcomes[0]?.action, 'updated');
      assert.equal(await read('src/a.ts'), 'v2');
    });

    it('does not bring back a file the user deleted after Takoss wrote it, unless overwrite', async () => {
      const batch = [{ path: 'gone.txt', content: 'x' }];
      await applyChanges(root, batch, ledger);
      await fs.rm(path.join(root, 'gone.txt'));
      const redelivered = await applyChanges(root, batch, ledger);
      assert.equal(redelivered.outcomes[0]?.action, 'skipped');
      assert.match(reasonOf(redelivered.outcomes[0]), /was deleted after Takoss wrote it/);
      assert.deepEqual(await listAll(root), []);
      const forced = await applyChanges(root, batch, ledger, { overwrite: true });
      assert.equal(forced.outcomes[0]?.action, 'created');
    });
  });

  describe('containment', () => {
    it('refuses the batch when a symlink leads outside, and writes nothing anywhere', async () => {
      await fs.symlink(outside, path.join(root, 'out'));
      const result = await applyChanges(
        root,
        [
          { path: 'ok.txt', content: 'fine' },
          { path: 'out/pwned.txt', content: 'evil' },
        ],
        ledger,
      );
      assert.equal(result.refused, true);
      assert.deepEqual(actions(result.outcomes), ['ok.txt:refused', 'out/pwned.txt:refused']);
      assert.match(
        reasonOf(result.outcomes[1]),
        new RegExp(
          `goes through the symlink "out" to "${outside.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}", outside the workspace`,
        ),
      );
      assert.match(reasonOf(result.outcomes[0]), /^not written: the batch was refused/);
      assert.deepEqual(await fs.readdir(outside), []);
      assert.deepEqual(await listAll(root), ['out']);
      assert.equal(ledger.sets.length, 0);
    });

    it('refuses app/link -> ../app-evil (the prefix-check bypass)', async () => {
      const evil = path.join(base, 'app-evil');
      await fs.mkdir(evil);
      await fs.symlink('../app-evil', path.join(root, 'link'));
      const result = await applyChanges(root, [{ path: 'link/x.txt', content: 'evil' }], ledger);
      assert.equal(result.refused, true);
      assert.match(
        reasonOf(result.outcomes[0]),
        /goes through the symlink "link" to ".*app-evil", outside the workspace/,
      );
      assert.deepEqual(await fs.readdir(evil), []);
    });

    it('refuses a path through a dangling symlink, and creates nothing where it points', async () => {
      await fs.symlink(path.join(outside, 'nowhere'), path.join(root, 'dangling'));
      const through = await applyChanges(root, [{ path: 'dangling/x.txt', content: 'evil' }], ledger);
      assert.equal(through.refused, true);
      assert.match(reasonOf(through.outcomes[0]), /symlink "dangling", which points nowhere \(dangling\)/);
      const onto = await applyChanges(root, [{ path: 'dangling', content: 'evil' }], ledger);
      assert.equal(onto.refused, true);
      assert.match(reasonOf(onto.outcomes[0]), /is a symlink/);
      assert.deepEqual(await fs.readdir(outside), []);
    });

    it('refuses a symlink as the final component, even one pointing inside', async () => {
      await fs.writeFile(path.join(root, 'real.txt'), 'real');
      await fs.symlink('real.txt', path.join(root, 'alias.txt'));
      await fs.symlink(path.join(outside, 'target.txt'), path.join(root, 'escape.txt'));
      for (const target of ['alias.txt', 'escape.txt']) {
        const result = await applyChanges(root, [{ path: target, content: 'new' }], ledger, { overwrite: true });
        assert.equal(result.refused, true, target);
        assert.match(reasonOf(result.outcomes[0]), /is a symlink; Takoss does not write through symlinks/);
      }
      assert.equal(await read('real.txt'), 'real');
      assert.deepEqual(await fs.readdir(outside), []);
      assert.equal((await fs.lstat(path.join(root, 'alias.txt'))).isSymbolicLink(), true);
    });

    it('follows a symlink that stays inside the workspace', async () => {
      await fs.mkdir(path.join(root, 'src'));
      await fs.symlink('src', path.join(root, 'lib'));
      const result = await applyChanges(root, [{ path: 'lib/util.ts', content: 'u' }], ledger);
      assert.deepEqual(actions(result.outcomes), ['lib/util.ts:created']);
      assert.equal(await read('src/util.ts'), 'u');
      assert.equal((await fs.lstat(path.join(root, 'lib'))).isSymbolicLink(), true);
    });

    it('applies .git and protection rules to where a symlink really leads', async () => {
      await fs.mkdir(path.join(root, '.git', 'hooks'), { recursive: true });
      await fs.mkdir(path.join(root, '.vscode'));
      await fs.symlink('.git', path.join(root, 'g'));
      await fs.symlink('.vscode', path.join(root, 'cfg'));
      const git = await applyChanges(root, [{ path: 'g/hooks/pre-commit', content: 'rm -rf ~' }], ledger, {
        approveProtected: true,
        overwrite: true,
      });
      assert.equal(git.refused, true);
      assert.match(reasonOf(git.outcomes[0]), /never writable/);
      assert.deepEqual(await fs.readdir(path.join(root, '.git', 'hooks')), []);

      const vscode = await applyChanges(root, [{ path: 'cfg/settings.json', content: '{}' }], ledger);
      assert.equal(vscode.outcomes[0]?.action, 'skipped');
      assert.match(reasonOf(vscode.outcomes[0]), /needs approval: path "\.vscode\/settings\.json" is protected/);
      assert.deepEqual(await fs.readdir(path.join(root, '.vscode')), []);
    });

    it('refuses a path through a file or onto a folder', async () => {
      await fs.writeFile(path.join(root, 'file'), 'f');
      await fs.mkdir(path.join(root, 'folder'));
      const through = await applyChanges(root, [{ path: 'file/x.txt', content: 'x' }], ledger);
      assert.match(reasonOf(through.outcomes[0]), /goes through "file", which is not a folder/);
      const onto = await applyChanges(root, [{ path: 'folder', content: 'x' }], ledger);
      assert.match(reasonOf(onto.outcomes[0]), /is a folder, not a file/);
      assert.deepEqual(await listAll(root), ['file', 'folder']);
    });

    it('works when the workspace root itself is a symlink to a real folder', async () => {
      const linkedRoot = path.join(base, 'root-link');
      await fs.symlink(root, linkedRoot);
      const result = await applyChanges(linkedRoot, [{ path: 'src/a.ts', content: 'a' }], ledger);
      assert.deepEqual(actions(result.outcomes), ['src/a.ts:created']);
      assert.equal(await read('src/a.ts'), 'a');
    });

    it('refuses a workspace that is relative, missing, a file or the file-system root', async () => {
      await fs.writeFile(path.join(base, 'plain-file'), '');
      for (const bad of [
        'relative/app',
        path.join(base, 'missing'),
        path.join(base, 'plain-file'),
        path.parse(base).root,
      ]) {
        await assert.rejects(
          applyChanges(bad, [{ path: 'a.txt', content: 'a' }], ledger),
          (error: unknown) =>
            error instanceof TakossError && error.kind === 'usage' && error.message.includes(`"${bad}"`),
          bad,
        );
      }
    });

    it('resolveInWorkspace reports existing and missing targets', async () => {
      await fs.mkdir(path.join(root, 'src'));
      await fs.writeFile(path.join(root, 'src/a.ts'), 'content');
      const existing = await resolveInWorkspace(root, 'src/a.ts');
      assert.ok(!existing.refused && existing.exists);
      assert.equal(existing.absolutePath, path.join(root, 'src', 'a.ts'));
      assert.equal(existing.currentContent?.toString('utf8'), 'content');
      assert.equal(existing.currentSha256, sha('content'));
      assert.equal(existing.realRelativePath, 'src/a.ts');
      const missing = await resolveInWorkspace(root, 'src/new/b.ts');
      assert.ok(!missing.refused && !missing.exists);
      assert.equal(missing.absolutePath, path.join(root, 'src', 'new', 'b.ts'));
      const invalid = await resolveInWorkspace(root, '../x');
      assert.ok(invalid.refused);
      assert.match(invalid.reason, /leaves the workspace/);
    });
  });

  describe('protected paths', () => {
    it('skips protected paths unless approved', async () => {
      const batch = [
        { path: '.vscode/settings.json', content: '{"task.autoDetect":"on"}' },
        { path: '.github/workflows/ci.yml', content: 'on: push' },
        { path: 'src/a.ts', content: 'a' },
      ];
      const result = await applyChanges(root, batch, ledger);
      assert.deepEqual(actions(result.outcomes), [
        '.vscode/settings.json:skipped',
        '.github/workflows/ci.yml:skipped',
        'src/a.ts:created',
      ]);
      assert.match(reasonOf(result.outcomes[0]), /^needs approval: path "\.vscode\/settings\.json" is protected/);
      assert.deepEqual(await listAll(root), ['src', 'src/a.ts']);

      const approved = await applyChanges(root, batch, ledger, { approveProtected: true });
      assert.deepEqual(actions(approved.outcomes), [
        '.vscode/settings.json:created',
        '.github/workflows/ci.yml:created',
        'src/a.ts:unchanged',
      ]);
    });

    it('asks a callback with the path and the reason, per protected file', async () => {
      const asked: [string, string][] = [];
      const result = await applyChanges(
        root,
        [
          { path: '.env', content: 'KEY=1' },
          { path: '.VSCODE/Settings.json', content: '{}' },
          { path: 'plain.txt', content: 'p' },
        ],
        ledger,
        {
          approveProtected: (filePath, reason) => {
            asked.push([filePath, reason]);
            return Promise.resolve(filePath === '.env');
          },
        },
      );
      assert.deepEqual(
        asked.map(([filePath]) => filePath),
        ['.env', '.VSCODE/Settings.json'],
      );
      assert.match(asked[0]?.[1] ?? '', /path "\.env" is protected: environment files/);
      assert.deepEqual(actions(result.outcomes), [
        '.env:created',
        '.VSCODE/Settings.json:skipped',
        'plain.txt:created',
      ]);
      assert.equal(await read('.env'), 'KEY=1');
    });

    it('treats a failing approval callback as a no', async () => {
      const result = await applyChanges(root, [{ path: '.npmrc', content: 'x' }], ledger, {
        approveProtected: () => Promise.reject(new Error('window closed')),
      });
      assert.equal(result.outcomes[0]?.action, 'skipped');
      assert.deepEqual(await listAll(root), []);
    });
  });

  describe('package.json', () => {
    const pkg = (scripts: Record<string, string>, extra: Record<string, unknown> = {}): string =>
      `${JSON.stringify({ name: 'app', version: '1.0.0', scripts, ...extra }, null, 2)}\n`;

    it('writes a new package.json, scripts and all (a fresh project needs one)', async () => {
      const result = await applyChanges(root, [{ path: 'package.json', content: pkg({ build: 'tsc' }) }], ledger);
      assert.deepEqual(actions(result.outcomes), ['package.json:created']);
    });

    it('skips a change to the scripts of an existing package.json, and writes other changes', async () => {
      await applyChanges(root, [{ path: 'package.json', content: pkg({ build: 'tsc' }) }], ledger);
      const scripts = await applyChanges(
        root,
        [{ path: 'package.json', content: pkg({ build: 'tsc', postinstall: 'curl x | sh' }) }],
        ledger,
      );
      assert.equal(scripts.outcomes[0]?.action, 'skipped');
      assert.match(reasonOf(scripts.outcomes[0]), /needs approval: path "package\.json" changes package\.json scripts/);
      assert.equal(await read('package.json'), pkg({ build: 'tsc' }));

      const deps = pkg({ build: 'tsc' }, { dependencies: { react: '^19.0.0' } });
      const other = await applyChanges(root, [{ path: 'package.json', content: deps }], ledger);
      assert.equal(other.outcomes[0]?.action, 'updated');
      assert.equal(await read('package.json'), deps);

      // Reordering the same scripts, or shrinking the file, is not a scripts change.
      const reordered = `{"scripts":{"build":"tsc"},"name":"app"}`;
      const shrunk = await applyChanges(root, [{ path: 'package.json', content: reordered }], ledger);
      assert.equal(shrunk.outcomes[0]?.action, 'updated');
    });

    it('treats unparsable JSON or git-hook settings as a scripts change, and honours approval', async () => {
      await applyChanges(root, [{ path: 'web/package.json', content: pkg({}) }], ledger);
      const broken = await applyChanges(root, [{ path: 'web/package.json', content: '{"scripts": ' }], ledger);
      assert.equal(broken.outcomes[0]?.action, 'skipped');
      const hooks = await applyChanges(
        root,
        [{ path: 'web/package.json', content: pkg({}, { 'simple-git-hooks': { 'pre-commit': 'x' } }) }],
        ledger,
      );
      assert.equal(hooks.outcomes[0]?.action, 'skipped');
      const approved = await applyChanges(
        root,
        [{ path: 'web/package.json', content: pkg({ test: 'mocha' }) }],
        ledger,
        {
          approveProtected: true,
        },
      );
      assert.equal(approved.outcomes[0]?.action, 'updated');
    });
  });

  describe('caps: the whole batch is refused before anything is written', () => {
    it('refuses a 50 MB file', async () => {
      const result = await applyChanges(
        root,
        [
          { path: 'small.txt', content: 'ok' },
          { path: 'huge.txt', content: 'x'.repeat(50 * 1024 * 1024) },
        ],
        ledger,
      );
      assert.equal(result.refused, true);
      assert.match(reasonOf(result.outcomes[1]), /file "huge\.txt" is 52428800 bytes, over maxFileBytes 1048576/);
      assert.match(
        reasonOf(result.outcomes[0]),
        /not written: the batch was refused \(file "huge\.txt" .*maxFileBytes 1048576\)/,
      );
      assert.deepEqual(await listAll(root), []);
    });

    it('refuses 10,000 files', async () => {
      const many = Array.from({ length: 10_000 }, (_, index) => ({ path: `f${index}.txt`, content: 'x' }));
      const result = await applyChanges(root, many, ledger);
      assert.equal(result.refused, true);
      assert.equal(result.outcomes.length, 10_000);
      assert.ok(result.outcomes.every((outcome) => outcome.action === 'refused'));
      assert.match(reasonOf(result.outcomes[9_999]), /the batch has 10000 files, over maxFilesPerTask 200/);
      assert.deepEqual(await listAll(root), []);
    });

    it('refuses 200-deep nesting', async () => {
      const deep = `${Array.from({ length: 200 }, () => 'd').join('/')}/x.txt`;
      const result = await applyChanges(
        root,
        [
          { path: 'first.txt', content: '1' },
          { path: deep, content: 'x' },
        ],
        ledger,
      );
      assert.equal(result.refused, true);
      assert.match(reasonOf(result.outcomes[1]), /is 201 segments deep, over maxDepth 32/);
      assert.deepEqual(await listAll(root), []);
    });

    it('refuses a batch over maxTaskBytes, and honours custom limits', async () => {
      const mib = 'y'.repeat(1_048_576);
      const nine = Array.from({ length: 9 }, (_, index) => ({ path: `part${index}.bin`, content: mib }));
      const result = await applyChanges(root, nine, ledger);
      assert.match(result.reason ?? '', /the batch is 9437184 bytes, over maxTaskBytes 8388608/);
      assert.ok(result.outcomes.every((outcome) => outcome.action === 'refused'));
      const custom = await applyChanges(
        root,
        [
          { path: 'a', content: 'a' },
          { path: 'b', content: 'b' },
        ],
        ledger,
        {
          limits: { maxFilesPerTask: 1 },
        },
      );
      assert.match(custom.reason ?? '', /over maxFilesPerTask 1/);
      assert.deepEqual(await listAll(root), []);
    });

    it('refuses nonsense limits as a usage error', async () => {
      await assert.rejects(
        applyChanges(root, [], ledger, { limits: { maxFileBytes: -1 } }),
        (error: unknown) =>
          error instanceof TakossError && error.kind === 'usage' && /maxFileBytes/.test(error.message),
      );
    });
  });

  describe('all or nothing', () => {
    it('writes nothing when one path in the batch is bad', async () => {
      const result = await applyChanges(
        root,
        [
          { path: 'src/a.ts', content: 'a' },
          { path: '../escape.txt', content: 'evil' },
          { path: 'src/b.ts', content: 'b' },
        ],
        ledger,
      );
      assert.equal(result.refused, true);
      assert.equal(result.reason, 'path "../escape.txt" leaves the workspace (".." is not allowed)');
      assert.deepEqual(actions(result.outcomes), ['src/a.ts:refused', '../escape.txt:refused', 'src/b.ts:refused']);
      assert.deepEqual(await listAll(root), []);
      assert.deepEqual(await fs.readdir(base), ['app', 'outside']);
    });

    it('refuses the same path twice in one batch, also when spelled differently', async () => {
      for (const second of ['src/a.ts', './src/a.ts', 'SRC/A.ts']) {
        const result = await applyChanges(
          root,
          [
            { path: 'src/a.ts', content: '1' },
            { path: second, content: '2' },
          ],
          ledger,
        );
        assert.equal(result.refused, true, second);
        assert.match(reasonOf(result.outcomes[1]), /appears twice in the batch/);
      }
      assert.deepEqual(await listAll(root), []);
    });

    it('refuses a batch where a path is both a file and a folder', async () => {
      const result = await applyChanges(
        root,
        [
          { path: 'a', content: '1' },
          { path: 'a/b.txt', content: '2' },
        ],
        ledger,
      );
      assert.equal(result.refused, true);
      assert.match(result.reason ?? '', /is a file and also a folder of "a\/b\.txt"/);
      assert.deepEqual(await listAll(root), []);
    });

    it('reports normalized paths, and escapes invisible characters in refused ones', async () => {
      const result = await applyChanges(
        root,
        [
          { path: './src//a.ts', content: 'a' },
          { path: 'x\u202Etxt.exe', content: 'b' },
        ],
        ledger,
      );
      assert.deepEqual(
        result.outcomes.map((outcome) => outcome.path),
        ['src/a.ts', 'x\\u202Etxt.exe'],
      );
      assert.ok(!JSON.stringify(result).includes('\u202E'), 'no raw bidi character anywhere');
      assert.deepEqual(await listAll(root), []);
    });

    it('refuses malformed changes', () => {
      const plan = planChanges([{ path: 'a.txt', content: 42 } as unknown as FileChange]);
      assert.ok(!plan.ok);
      assert.match(plan.reason, /content of "a\.txt" is not a string/);
    });
  });

  describe('atomic writes', () => {
    const temps = async (): Promise<string[]> => (await listAll(root)).filter((entry) => entry.includes('.takoss-'));

    it('leaves no temp files after success', async () => {
      await applyChanges(
        root,
        [
          { path: 'a.txt', content: 'a' },
          { path: 'x/y/z.txt', content: 'z' },
          { path: `${'n'.repeat(250)}.md`, content: 'long name' },
        ],
        ledger,
      );
      assert.deepEqual(await temps(), []);
      assert.equal((await listAll(root)).length, 5);
    });

    it('leaves no temp file and keeps the old content when the rename fails', async () => {
      await fs.mkdir(path.join(root, 'target'));
      await assert.rejects(writeFileAtomic(root, path.join(root, 'target'), Buffer.from('x'), 0o644));
      await fs.writeFile(path.join(root, 'keep.txt'), 'old');
      await assert.rejects(writeFileAtomic(root, path.join(root, 'missing-folder', 'f.txt'), Buffer.from('x'), 0o644));
      assert.deepEqual(await temps(), []);
      assert.equal(await read('keep.txt'), 'old');
      assert.equal((await fs.stat(path.join(root, 'target'))).isDirectory(), true);
    });

    it('stops, writes nothing outside and leaves no temp file when the disk changes between checks and writes', async () => {
      await fs.mkdir(path.join(root, 'src'));
      await fs.writeFile(path.join(root, 'victim.txt'), 'v1');
      await applyChanges(root, [{ path: 'victim.txt', content: 'v1' }], ledger);
      // The approval prompt runs after resolution and before writing: a window to swap things.
      const result = await applyChanges(
        root,
        [
          { path: '.vscode/settings.json', content: '{}' },
          { path: 'src/a.ts', content: 'evil' },
          { path: 'victim.txt', content: 'v2' },
        ],
        ledger,
        {
          approveProtected: async () => {
            await fs.rm(path.join(root, 'src'), { recursive: true });
            await fs.symlink(outside, path.join(root, 'src'));
            return true;
          },
        },
      );
      assert.deepEqual(actions(result.outcomes), [
        '.vscode/settings.json:created',
        'src/a.ts:refused',
        'victim.txt:refused',
      ]);
      assert.match(reasonOf(result.outcomes[1]), /writing "src\/a\.ts" failed: .*changed while writing/);
      assert.match(reasonOf(result.outcomes[2]), /^not written: an earlier write failed/);
      assert.deepEqual(await fs.readdir(outside), []);
      assert.equal(await read('victim.txt'), 'v1');
      assert.deepEqual(await temps(), []);
    });

    it('refuses to rename over a target that became a folder, and cleans up', async () => {
      await applyChanges(root, [{ path: 'f.txt', content: '1' }], ledger);
      const result = await applyChanges(
        root,
        [
          { path: '.idea/x.xml', content: '<x/>' },
          { path: 'f.txt', content: '2' },
        ],
        ledger,
        {
          approveProtected: async () => {
            await fs.rm(path.join(root, 'f.txt'));
            await fs.mkdir(path.join(root, 'f.txt'));
            return true;
          },
        },
      );
      assert.equal(result.outcomes[1]?.action, 'refused');
      assert.match(reasonOf(result.outcomes[1]), /no longer a regular file/);
      assert.equal((await fs.stat(path.join(root, 'f.txt'))).isDirectory(), true);
      assert.deepEqual(await temps(), []);
    });
  });
});
