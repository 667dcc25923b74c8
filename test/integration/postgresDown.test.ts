/**
 * PostgreSQL unreachable in the middle of a chain (issue 7, case 11): a task that finishes
 * meanwhile keeps its result — its files (whose ledger is in PostgreSQL) are written once it
 * answers — and the durable record (task states, usage, template executions) is written
 * then too, instead of being dropped.
 */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { ADMIN_URL, withClient } from '../helpers/database';
import { planTask, startHarness, type Harness } from '../helpers/engineHarness';
import { waitUntil } from '../helpers/eventually';

const TASKS = ['first', 'second', 'third'];

/** Refuses new connections to one database and ends the open ones: that database is "down". */
async function setDatabaseReachable(database: string, reachable: boolean): Promise<void> {
  await withClient(ADMIN_URL, async (client) => {
    const name = client.escapeIdentifier(database);
    await client.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS ${reachable ? 'true' : 'false'}`);
    if (!reachable) {
      await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [database]);
    }
  });
}

describe('PostgreSQL down mid-chain', function () {
  this.timeout(90_000);
  let harness: Harness | undefined;

  after(async () => {
    if (harness) await setDatabaseReachable(harness.database.name, true);
    await harness?.close();
  });

  it('keeps every result and writes the whole record once PostgreSQL is back', async () => {
    harness = await startHarness({
      plans: [
        {
          tasks: TASKS.map((id, index) => ({
            ...planTask(id, index === 0 ? [] : [TASKS[index - 1]!]),
            template: 'backend/service-layer',
          })),
        },
      ],
      tasks: Object.fromEntries(
        TASKS.map((id) => [id, { files: [{ path: `${id}.ts`, content: `export const ${id} = 1;\n` }], delayMs: 100 }]),
      ),
    });
    const current = harness;
    const building = current.build('Build it in three steps', { concurrency: 1 });
    await waitUntil('"second" running', () => current.fake.requestsFor('second').length > 0);
    await setDatabaseReachable(current.database.name, false);
    // Long enough that "second" finishes and its files are due while PostgreSQL is away.
    await waitUntil('the files of "second" waiting for PostgreSQL', () =>
      current.logs.some((line) => /second: its files wait for PostgreSQL/.test(line)),
    );
    await setDatabaseReachable(current.database.name, true);

    const run = await building;
    assert.equal(run.result.status, 'succeeded', current.logs.slice(-20).join('\n'));
    assert.deepEqual((await readdir(current.workspace)).sort(), ['first.ts', 'second.ts', 'third.ts']);
    assert.ok(
      current.logs.some((line) => /Could not record chain .* retrying/.test(line)),
      'the outage was seen',
    );

    await withClient(current.database.url, async (client) => {
      const { rows: tasks } = await client.query<{ taskId: string; status: string; inputTokens: number }>(
        'SELECT "taskId", status, "inputTokens" FROM "ChainTask" ORDER BY position',
      );
      assert.deepEqual(
        tasks.map((task) => [task.taskId, task.status, task.inputTokens > 0]),
        TASKS.map((id) => [id, 'succeeded', true]),
      );
      const { rows } = await client.query<{ taskId: string; runs: string }>(
        'SELECT "taskId", count(*) AS runs FROM "TemplateExecution" GROUP BY "taskId" ORDER BY "taskId"',
      );
      // The planner's own call is recorded under its template too.
      assert.deepEqual(
        rows.map((row) => [row.taskId, Number(row.runs)]),
        ['_plan', ...TASKS].sort().map((id) => [id, 1]),
        'one usage record per call, none lost, none twice',
      );
    });
  });
});
