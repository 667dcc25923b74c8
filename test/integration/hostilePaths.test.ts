/**
 * Model output as the attacker (issue 7, case 13): every path a hostile or confused model
 * could hand the writer, each in its own task of one chain. Each task fails naming the
 * refused path; nothing is written anywhere, in the workspace or outside it; the one honest
 * task still lands.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { planTask, startHarness, type Harness } from '../helpers/engineHarness';

const HOSTILE_PATHS = [
  '../../.ssh/authorized_keys',
  '/etc/passwd',
  'C:\\Windows\\x',
  '\\\\server\\x',
  '~/.bashrc',
  'file:///x',
  '%2e%2e/x',
  'a\u0000b',
  'CON',
  'notes.',
  'notes ',
  'evil\u202etxt.js',
  'zero\u200bwidth.js',
] as const;

describe('hostile paths from the model, end to end', function () {
  this.timeout(60_000);
  let harness: Harness | undefined;

  after(async () => harness?.close());

  it('refuses each one, names it, and writes nothing anywhere; the honest task lands', async () => {
    const hostileIds = HOSTILE_PATHS.map((_, index) => `hostile-${index}`);
    harness = await startHarness({
      plans: [{ tasks: [planTask('honest'), ...hostileIds.map((id) => planTask(id))] }],
      tasks: {
        honest: { files: [{ path: 'ok.ts', content: 'export {};\n' }] },
        ...Object.fromEntries(
          HOSTILE_PATHS.map((hostile, index) => [
            `hostile-${index}`,
            { files: [{ path: hostile, content: 'pwned\n' }] },
          ]),
        ),
      },
    });
    const passwd = readFileSync('/etc/passwd', 'utf8');
    const run = await harness.build();
    assert.equal(run.result.status, 'partial');

    const record = await harness.engine.repository.find(run.created.chainId);
    const byId = new Map(record!.tasks.map((task) => [task.taskId, task]));
    assert.equal(byId.get('honest')?.status, 'succeeded');
    for (const [index, hostile] of HOSTILE_PATHS.entries()) {
      const task = byId.get(`hostile-${index}`);
      assert.equal(task?.status, 'failed', JSON.stringify(hostile));
      assert.match(task?.error ?? '', /refused path.*path "/s, JSON.stringify(hostile));
      assert.equal(harness.fake.requestsFor(`hostile-${index}`).length, 1, `${JSON.stringify(hostile)} is not retried`);
    }
    assert.deepEqual(await readdir(harness.workspace), ['ok.ts']);
    assert.equal(readFileSync('/etc/passwd', 'utf8'), passwd);
    assert.equal(existsSync(path.resolve(harness.workspace, '../../.ssh/authorized_keys')), false);
    assert.equal(existsSync(path.resolve(harness.workspace, '..', 'x')), false);
  });
});
