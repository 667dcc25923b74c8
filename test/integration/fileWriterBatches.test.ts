import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { TakossError } from '../../server/src/errors';
import { type FileChange, applyChanges, planChanges, writeFileAtomic } from '../../server/src/workspace';
import { MemoryLedger, actions, createWriterWorkspace, listAll, reasonOf } from '../helpers/writerFixtures';

describe('guarded file writer: caps, all or nothing, atomic writes (real file system)', () => {
  let base: string;
  let root: string;
  let outside: string;
  let ledger: MemoryLedger;

  beforeEach(async () => {
    ({ base, root, outside } = await createWriterWorkspace());
    ledger = new MemoryLedger();
  });

  afterEach(async () => {
    await fs.rm(base, { recursive: true, force: true });
  });

  const read = (relative: string): Promise<string> => fs.readFile(path.join(root, relative), 'utf8');

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

    it('clears the temp files an earlier writer abandoned, but not a live writer’s', async () => {
      const abandoned = path.join(root, '.a.txt.takoss-0123456789abcdef.tmp');
      const live = path.join(root, '.a.txt.takoss-fedcba9876543210.tmp');
      const foreign = path.join(root, '.a.txt.takoss-notours.tmp');
      for (const file of [abandoned, live, foreign]) await fs.writeFile(file, 'half');
      const hourAgo = new Date(Date.now() - 3_600_000);
      await fs.utimes(abandoned, hourAgo, hourAgo);
      await fs.utimes(foreign, hourAgo, hourAgo);
      await writeFileAtomic(root, path.join(root, 'a.txt'), Buffer.from('new'), 0o644);
      assert.equal(await read('a.txt'), 'new');
      assert.deepEqual((await temps()).sort(), [path.basename(foreign), path.basename(live)].sort());
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
