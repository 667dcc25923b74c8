import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { type FileChange, applyChanges } from '../../server/src/workspace';
import { MemoryLedger, actions, createWriterWorkspace, listAll, reasonOf, sha } from '../helpers/writerFixtures';

describe('guarded file writer: writes (real file system)', () => {
  let base: string;
  let root: string;
  let ledger: MemoryLedger;

  beforeEach(async () => {
    ({ base, root } = await createWriterWorkspace());
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
});
