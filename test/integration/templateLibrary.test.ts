import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ZERO_USAGE } from '../../server/src/llm/usage';
import {
  TemplateNotFoundError,
  createTemplate,
  createVersion,
  getTemplate,
  listTemplates,
  listVersions,
  rollback,
  setLabel,
} from '../../server/src/templates/templateStore';
import { getTemplateAnalytics, recordTemplateUsage } from '../../server/src/templates/templateUsage';
import { openTemplateDatabase, type TemplateTestDatabase } from '../helpers/templateDatabase';
import { searchTemplates } from '../../server/src/templates/templateSearch';

const base = {
  description: 'An Express route with its controller',
  category: 'backend' as const,
  tags: ['express', 'api'],
  text: 'Write the route for {{task_title}}.',
  variables: [{ name: 'task_title', description: 'title', required: true }],
};

describe('the template library on a real PostgreSQL', () => {
  let db: TemplateTestDatabase;

  beforeEach(async () => {
    db = await openTemplateDatabase();
  });
  afterEach(() => db.close());

  it('creates a template at version 1, labelled production', async () => {
    const created = await createTemplate(db, { ...base, name: 'backend/route' });
    assert.equal(created.version, 1);
    assert.deepEqual(created.labels, ['production']);
    assert.equal((await getTemplate(db, 'backend/route')).text, base.text);
    const [summary] = await listTemplates(db);
    assert.equal(summary?.productionVersion, 1);
  });

  it('refuses a text that uses an undeclared variable, naming it', async () => {
    await assert.rejects(
      createTemplate(db, { ...base, name: 'backend/bad', text: '{{task_title}} {{oops}}' }),
      /uses \{\{oops\}\} without declaring it/,
    );
    await assert.rejects(
      createTemplate(db, { ...base, name: 'Bad Name' }),
      /names look like "frontend\/react-component"/,
    );
  });

  it('adds versions n+1, moves production, and rolls back without rewriting history', async () => {
    await createTemplate(db, { ...base, name: 'backend/route' });
    const second = await createVersion(db, 'backend/route', {
      ...base,
      text: 'v2 for {{task_title}}',
      changeNote: 'clearer',
    });
    assert.equal(second.version, 2);
    assert.equal((await getTemplate(db, 'backend/route')).version, 2);
    const back = await rollback(db, 'backend/route');
    assert.equal(back.version, 1);
    assert.equal((await getTemplate(db, 'backend/route')).version, 1);
    assert.deepEqual(
      (await listVersions(db, 'backend/route')).map((version) => [version.version, version.text]),
      [
        [2, 'v2 for {{task_title}}'],
        [1, base.text],
      ],
    );
    await setLabel(db, 'backend/route', 2, 'staging');
    assert.equal((await getTemplate(db, 'backend/route', { label: 'staging' })).version, 2);
    await assert.rejects(rollback(db, 'backend/route'), /no earlier version to roll back to/);
    await assert.rejects(getTemplate(db, 'backend/route', { version: 9 }), TemplateNotFoundError);
  });

  it('gives two concurrent createVersion calls consecutive versions, never the same', async () => {
    await createTemplate(db, { ...base, name: 'backend/route' });
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        createVersion(db, 'backend/route', { ...base, text: `edit ${index} {{task_title}}` }),
      ),
    );
    assert.deepEqual(
      results.map((result) => result.version).sort((a, b) => a - b),
      [2, 3, 4, 5, 6, 7, 8, 9],
    );
  });

  it('refuses an edit made from a version that is no longer production, and of two racing edits takes one', async () => {
    await createTemplate(db, { ...base, name: 'backend/route' });
    const racing = await Promise.allSettled(
      ['first', 'second'].map((who) =>
        createVersion(db, 'backend/route', { ...base, text: `${who} {{task_title}}` }, { basedOn: 1 }),
      ),
    );
    assert.deepEqual(racing.map((result) => result.status).sort(), ['fulfilled', 'rejected']);
    const refused = racing.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    assert.match(
      String(refused?.reason),
      /"backend\/route" changed while you edited it: production is now v2, your edit started from v1/,
    );
    assert.deepEqual(
      (await listVersions(db, 'backend/route')).map((version) => version.version),
      [2, 1],
      'the refused edit added nothing',
    );
    const next = await createVersion(db, 'backend/route', { ...base, text: 'third {{task_title}}' }, { basedOn: 2 });
    assert.equal(next.version, 3);
  });

  it('keeps exact counters under 1,000 concurrent recordTemplateUsage calls, and counts a redelivery once', async () => {
    const version = await createTemplate(db, { ...base, name: 'backend/route' });
    const chainId = `chain-${randomUUID()}`;
    const record = (taskId: string) =>
      recordTemplateUsage(db, {
        templateVersionId: version.id,
        chainId,
        taskId,
        model: 'claude-sonnet-5-5',
        status: 'succeeded',
        attempts: 1,
        executionTimeMs: 100,
        usage: ZERO_USAGE,
      });
    const recorded = await Promise.all(Array.from({ length: 1000 }, (_, index) => record(`t${index}`)));
    assert.equal(recorded.filter(Boolean).length, 1000);
    assert.equal(await record('t7'), false, 'the same task again is not counted');
    const [summary] = await listTemplates(db);
    assert.equal(summary?.usageCount, 1000);
    assert.equal(await db.prisma.templateExecution.count(), 1000);
    assert.ok(summary?.lastUsedAt instanceof Date);
  });

  it('computes per-version analytics that match the executions recorded', async () => {
    const v1 = await createTemplate(db, { ...base, name: 'backend/route' });
    const v2 = await createVersion(db, 'backend/route', { ...base, text: 'v2 {{task_title}}' });
    const runs: [string, 'succeeded' | 'failed', number, number, number, number][] = [
      // version id, status, attempts, ms, prompt tokens, cost
      [v1.id, 'succeeded', 1, 100, 1000, 0.01],
      [v1.id, 'failed', 3, 300, 2000, 0.03],
      [v2.id, 'succeeded', 1, 200, 1500, 0.02],
      [v2.id, 'succeeded', 2, 400, 2500, 0.04],
      [v2.id, 'succeeded', 1, 600, 3500, 0.06],
    ];
    for (const [index, [versionId, status, attempts, ms, prompt, cost]] of runs.entries()) {
      await recordTemplateUsage(db, {
        templateVersionId: versionId,
        chainId: 'c',
        taskId: `t${index}`,
        model: 'claude-sonnet-5-5',
        status,
        attempts,
        executionTimeMs: ms,
        usage: { ...ZERO_USAGE, inputTokens: prompt, outputTokens: prompt / 10, costUsd: cost },
      });
    }
    const analytics = await getTemplateAnalytics(db, 'backend/route');
    assert.equal(analytics.usageCount, 5);
    const [second, first] = analytics.versions;
    assert.equal(second?.version, 2);
    assert.deepEqual(second?.labels, ['production']);
    assert.equal(second?.runs, 3);
    assert.equal(second?.successRate, 1);
    assert.equal(second?.p50LatencyMs, 400);
    assert.equal(second?.p95LatencyMs, 580, 'percentile_cont interpolates: 400 + 0.9 × 200');
    assert.equal(second?.meanPromptTokens, 2500);
    assert.ok(Math.abs((second?.meanCostUsd ?? 0) - 0.04) < 1e-9);
    assert.equal(second?.retries, 1);
    assert.equal(first?.runs, 2);
    assert.equal(first?.successRate, 0.5);
    assert.equal(first?.failed, 1);
    assert.equal(first?.retries, 2);
  });

  it('counts per version the distinct chains that used it and were verified, of those with a verdict', async () => {
    const v1 = await createTemplate(db, { ...base, name: 'backend/route' });
    const v2 = await createVersion(db, 'backend/route', { ...base, text: 'v2 {{task_title}}' });
    const chains: [string, 'verified' | 'verify_failed' | 'not_verified' | null][] = [
      ['c-verified', 'verified'],
      ['c-failed', 'verify_failed'],
      ['c-unproven', 'not_verified'],
      ['c-running', null],
    ];
    for (const [id, verification] of chains) {
      await db.pool.query(
        `INSERT INTO "Chain" (id, request, workspace, model, concurrency, graph)
         VALUES ($1, 'Build it', '/tmp/ws', 'claude-sonnet-5-5', 2, '{"tasks":[]}'::jsonb)`,
        [id],
      );
      await db.pool.query(`UPDATE "Chain" SET verification = $2::"VerificationOutcome" WHERE id = $1`, [
        id,
        verification,
      ]);
    }
    const uses: [string, string, string][] = [
      // version id, chain, task: the planner's '_plan' and a task in the verified chain make two uses of one chain;
      // 'c-gone' has no Chain row (an execution outlives its chain).
      [v1.id, 'c-verified', '_plan'],
      [v1.id, 'c-verified', 'api'],
      [v1.id, 'c-failed', 'api'],
      [v1.id, 'c-unproven', 'api'],
      [v1.id, 'c-running', 'api'],
      [v1.id, 'c-gone', 'api'],
      [v2.id, 'c-failed', 'ui'],
    ];
    for (const [templateVersionId, chainId, taskId] of uses) {
      await recordTemplateUsage(db, {
        templateVersionId,
        chainId,
        taskId,
        model: 'claude-sonnet-5-5',
        status: 'succeeded',
        attempts: 1,
        executionTimeMs: 100,
        usage: ZERO_USAGE,
      });
    }
    const [second, first] = (await getTemplateAnalytics(db, 'backend/route')).versions;
    assert.equal(first?.version, 1);
    assert.equal(first?.runs, 6, 'joining the chains adds no rows');
    assert.equal(first?.verifiedChains, 1);
    assert.equal(first?.checkedChains, 2);
    assert.equal(second?.version, 2);
    assert.equal(second?.verifiedChains, 0);
    assert.equal(second?.checkedChains, 1);
  });

  it('counts no chains for a version nobody used', async () => {
    await createTemplate(db, { ...base, name: 'backend/route' });
    const [only] = (await getTemplateAnalytics(db, 'backend/route')).versions;
    assert.equal(only?.runs, 0);
    assert.equal(only?.verifiedChains, 0);
    assert.equal(only?.checkedChains, 0);
  });

  describe('search', () => {
    beforeEach(async () => {
      await createTemplate(db, { ...base, name: 'backend/express-route', tags: ['express', 'rest'] });
      await createTemplate(db, {
        name: 'frontend/react-hooks',
        description: 'State with custom React hooks',
        category: 'frontend',
        tags: ['react', 'hooks', 'state'],
        text: 'Write hooks for {{task_title}} with loading and error states.',
        variables: base.variables,
      });
    });

    it('ranks full-text matches over names, tags, descriptions and texts', async () => {
      assert.deepEqual(
        (await searchTemplates(db, 'react hooks')).map((hit) => hit.name),
        ['frontend/react-hooks'],
      );
      assert.deepEqual(
        (await searchTemplates(db, 'loading error')).map((hit) => hit.name),
        ['frontend/react-hooks'],
      );
      assert.deepEqual(
        (await searchTemplates(db, 'express')).map((hit) => hit.name),
        ['backend/express-route'],
      );
      assert.deepEqual(
        (await searchTemplates(db, 'reac')).map((hit) => hit.name),
        ['frontend/react-hooks'],
        'prefixes match',
      );
    });

    it('never errors on special characters', async () => {
      for (const query of [`react & "hook" | !x:*'`, `'`, `&&&`, `(`, `":*"`, `\\`, `-`, `or`, `😀`, '']) {
        await assert.doesNotReject(searchTemplates(db, query), `query ${JSON.stringify(query)}`);
      }
      assert.deepEqual(
        (await searchTemplates(db, `react & "hook" | !x:*'`)).map((hit) => hit.name),
        ['frontend/react-hooks'],
      );
    });

    it('uses the GIN index', async () => {
      const client = await db.pool.connect();
      try {
        await client.query('SET enable_seqscan = off');
        const plan = await client.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN SELECT name FROM "PromptTemplate" WHERE "searchVector" @@ websearch_to_tsquery('english', 'react')`,
        );
        assert.match(plan.rows.map((row) => row['QUERY PLAN']).join('\n'), /PromptTemplate_searchVector_idx/);
      } finally {
        client.release();
      }
    });
  });
});
