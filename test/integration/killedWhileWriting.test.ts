/**
 * A writer killed with SIGKILL while it replaces a 2 MB file (issue 7, case 19): whenever it
 * dies, the file holds the old content or the new, whole — never a truncated mix — and the
 * only debris is the writer's hidden temp file.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LARGE_FILE, LARGE_FILE_BYTES } from '../fixtures/writeLargeFile';
import { REPO_ROOT } from '../helpers/paths';

const WRITER = path.join(REPO_ROOT, 'test', 'fixtures', 'writeLargeFile.ts');
const ROUNDS = 12;

type KillAt = { readonly afterMs: number } | 'tempFileAppears';

/**
 * Runs the writer; with `killAt`, SIGKILLs it that long after it starts writing, or as soon as
 * its temp file is on disk (so, mid-write). Resolves with its signal.
 */
function runWriter(root: string, character: string, killAt?: KillAt): Promise<NodeJS.Signals | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, root, character], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let watching: NodeJS.Timeout | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      if (killAt === undefined || !chunk.toString().includes('writing')) return;
      if (killAt === 'tempFileAppears') {
        watching = setInterval(() => {
          if (readdirSync(root).some((name) => name.endsWith('.tmp') && !existing.has(name))) child.kill('SIGKILL');
        }, 1);
      } else {
        setTimeout(() => child.kill('SIGKILL'), killAt.afterMs);
      }
    });
    const existing = new Set(readdirSync(root));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearInterval(watching);
      if (signal || code === 0) resolve(signal);
      else reject(new Error(`writer exited ${code}`));
    });
  });
}

describe('a writer killed while writing a 2 MB file', function () {
  this.timeout(120_000);
  let root: string;

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'takoss-kill-write-'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('leaves the old content or the new, whole, however early or late it dies', async () => {
    await runWriter(root, 'a');
    let previous = 'a';
    const outcomes = { old: 0, new: 0, killed: 0 };
    const tempsSeen = new Set<string>();
    for (let round = 0; round < ROUNDS; round += 1) {
      const next = previous === 'a' ? 'b' : 'a';
      // Odd rounds die the moment the temp file exists; even ones at moments from "at once" to
      // "probably after the rename".
      const killAt: KillAt = round % 2 === 1 ? 'tempFileAppears' : { afterMs: (round * 7) % 60 };
      const signal = await runWriter(root, next, killAt);
      if (signal === 'SIGKILL') outcomes.killed += 1;
      const content = await readFile(path.join(root, LARGE_FILE), 'utf8');
      assert.equal(content.length, LARGE_FILE_BYTES, `round ${round}: a truncated file`);
      const first = content[0]!;
      assert.ok(first === previous || first === next, `round ${round}: unexpected content`);
      assert.equal(content, first.repeat(LARGE_FILE_BYTES), `round ${round}: a mix of old and new`);
      if (first === next) {
        outcomes.new += 1;
        previous = next;
      } else {
        outcomes.old += 1;
      }
      const others = (await readdir(root)).filter((name) => name !== LARGE_FILE);
      for (const name of others) {
        assert.match(name, /^\.big\.txt\.takoss-[0-9a-f]{16}\.tmp$/, 'only the hidden temp file');
        tempsSeen.add(name);
      }
    }
    assert.ok(outcomes.killed > 0, `some writers were killed (${JSON.stringify(outcomes)})`);
    // A temp file is left only by a writer killed between creating it and the rename.
    assert.ok(tempsSeen.size > 0, `at least one writer was killed mid-write (${JSON.stringify(outcomes)})`);
  });
});
