import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { TakossError } from '../../server/src/errors';
import { applyChanges, resolveInWorkspace } from '../../server/src/workspace';
import { MemoryLedger, actions, createWriterWorkspace, listAll, reasonOf, sha } from '../helpers/writerFixtures';

describe('guarded file writer: containment and protected paths (real file system)', () => {
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
});
