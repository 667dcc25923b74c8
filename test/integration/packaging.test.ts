import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../helpers/paths';

const run = promisify(execFile);
const VSCE = path.join(REPO_ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');

describe('the .vsix package', () => {
  it('holds only what the extension needs at run time', async () => {
    const { stdout } = await run(process.execPath, [VSCE, 'ls'], { cwd: REPO_ROOT });
    const files = stdout.trim().split('\n').sort();
    const migrations = files.filter((file) => file.startsWith('prisma/migrations/'));
    assert.deepEqual(
      files.filter((file) => !file.startsWith('prisma/migrations/')),
      [
        'CHANGELOG.md',
        'LICENSE',
        'README.md',
        'dist/cli.js',
        'dist/extension.js',
        'dist/webview/main.css',
        'dist/webview/main.js',
        'docker-compose.yml',
        'media/takoss.svg',
        'media/walkthrough/apiKey.md',
        'media/walkthrough/build.md',
        'media/walkthrough/services.md',
        'package.json',
      ],
    );
    assert.ok(migrations.includes('prisma/migrations/migration_lock.toml'));
    assert.ok(migrations.some((file) => /^prisma\/migrations\/\d{14}_\w+\/migration\.sql$/.test(file)));
    assert.ok(!files.some((file) => file.startsWith('node_modules/') || file.endsWith('.map') || file.endsWith('.ts')));
  });

  it('is produced by vsce package', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'takoss-vsix-'));
    try {
      const out = path.join(dir, 'takoss.vsix');
      await run(process.execPath, [VSCE, 'package', '--out', out], { cwd: REPO_ROOT, timeout: 120_000 });
      const { size } = await stat(out);
      assert.ok(size > 100_000, `the package has the bundles (${size} bytes)`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
