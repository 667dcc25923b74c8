import assert from 'node:assert/strict';
import type { ChainSnapshot, TaskSnapshot } from '../../server/src/chainSnapshot';
import type { ChainContextView, TemplateAnalyticsView, VersionAnalyticsView } from '../../server/src/protocol';
import { chainContextReport, taskContextReport } from '../../extension/src/context/contextReport';
import { templateAnalyticsReport } from '../../extension/src/templates/analyticsReport';
import { chainSnapshot, taskSnapshot, usageOf } from '../helpers/snapshots';

const usage = (inputTokens: number, outputTokens: number, costUsd: number) =>
  usageOf({ inputTokens, outputTokens, costUsd });
const task = taskSnapshot;
const snapshot = (tasks: TaskSnapshot[], extra: Partial<ChainSnapshot> = {}) =>
  chainSnapshot(tasks, { request: 'Build a todo app\nwith   a REST API', ...extra });

const context = (extra: Partial<ChainContextView> = {}, ttlSeconds = 3600): ChainContextView => ({
  chainId: 'chain-1',
  stats: { results: 1, historyLength: 2, resultBytes: 2048, ttlSeconds, tasks: { schema: 1 } },
  history: [
    { at: '2025-03-10T12:00:01.000Z', type: 'chain_started' },
    { at: '2025-03-10T12:01:00.000Z', type: 'task_completed', taskId: 'schema' },
  ],
  results: [
    {
      taskId: 'schema',
      title: 'Database\nschema',
      summary: 'Defined the Todo model.',
      files: [
        { path: 'prisma/schema.prisma', bytes: 512 },
        { path: 'src/db.ts', bytes: 128 },
      ],
      usage: usage(1000, 500, 0.0123),
      completedAt: '2025-03-10T12:01:00.000Z',
    },
  ],
  ...extra,
});

/** The fenced blocks of a Markdown text, as CommonMark closes them. */
function fencedBlocks(markdown: string): { fence: string; body: string }[] {
  const blocks: { fence: string; body: string }[] = [];
  const lines = markdown.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const open = /^(`{3,})/.exec(lines[index] ?? '');
    if (!open) continue;
    const fence = open[1]!;
    const body: string[] = [];
    for (index += 1; index < lines.length; index += 1) {
      const line = lines[index] ?? '';
      const close = /^(`{3,})\s*$/.exec(line);
      if (close && close[1]!.length >= fence.length) break;
      body.push(line);
    }
    blocks.push({ fence, body: body.join('\n') });
  }
  return blocks;
}

const section = (markdown: string, heading: string): string => {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `a "${heading}" section in:\n${markdown}`);
  const next = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, next < 0 ? undefined : next);
};

describe('context reports', () => {
  describe('chainContextReport', () => {
    it('shows the chain, the stats, each result and the history', () => {
      const report = chainContextReport(context(), snapshot([]));
      assert.match(report, /^# Context of chain chain-1\n/);
      assert.match(report, /^Request: Build a todo app with a REST API$/m);
      assert.match(report, /^Status: running$/m);
      assert.match(report, /^- Results stored: 1$/m);
      assert.match(report, /^- History entries: 2$/m);
      assert.match(report, /^- Result bytes: 2048$/m);
      assert.match(report, /^### Database schema \(schema\)$/m);
      assert.match(report, /^Completed 2025-03-10T12:01:00.000Z · 1500 tokens · \$0.01$/m);
      assert.match(report, /^- prisma\/schema.prisma \(512 bytes\)$/m);
      assert.match(report, /^- src\/db.ts \(128 bytes\)$/m);
      assert.deepEqual(fencedBlocks(report), [{ fence: '```', body: 'Defined the Todo model.' }]);
      assert.match(
        section(report, 'History'),
        /- 2025-03-10T12:00:01.000Z chain_started\n- 2025-03-10T12:01:00.000Z task_completed schema\n$/,
      );
      assert.ok(report.endsWith('\n'));
    });

    it('leaves out the request and status when the chain is not known here', () => {
      const report = chainContextReport(context(), undefined);
      assert.ok(!report.includes('Request:'));
      assert.ok(!report.includes('Status:'));
      assert.match(report, /^## Stats$/m);
    });

    it('says when there are no results and no history yet', () => {
      const report = chainContextReport(context({ results: [], history: [] }), undefined);
      assert.match(section(report, 'Results'), /No task has stored a result yet\./);
      assert.match(section(report, 'History'), /No history yet\./);
    });

    it('lists no files for a result without any', () => {
      const [result] = context().results;
      const report = chainContextReport(context({ results: [{ ...result!, files: [] }] }), undefined);
      assert.ok(!report.includes('Files:'));
    });

    it('words the TTL for each case', () => {
      const ttl = (seconds: number) =>
        /^- TTL remaining: (.*)$/m.exec(chainContextReport(context({}, seconds), undefined))?.[1];
      assert.equal(ttl(-2), 'expired (nothing left in Redis)');
      assert.equal(ttl(-1), 'no expiry (persistent key)');
      assert.equal(ttl(0), '0 s');
      assert.equal(ttl(45), '45 s');
      assert.equal(ttl(119), '119 s');
      assert.equal(ttl(120), '2 min');
      assert.equal(ttl(3600), '60 min');
      assert.equal(ttl(7199), '120 min');
      assert.equal(ttl(7200), '2.0 h');
      assert.equal(ttl(86_400), '24.0 h');
    });

    it('fences model text with a fence longer than any backtick run inside it', () => {
      const summary = 'Use this:\n```\n# Injected heading\n```\nand ````` five';
      const [result] = context().results;
      const report = chainContextReport(context({ results: [{ ...result!, summary }] }), undefined);
      const blocks = fencedBlocks(report);
      assert.equal(blocks.length, 1);
      assert.equal(blocks[0]?.fence, '``````');
      assert.equal(blocks[0]?.body, summary);
      const fence = '`'.repeat(6);
      assert.ok(report.includes(`${fence}text\n${summary}\n${fence}\n`));
    });
  });

  describe('taskContextReport', () => {
    const api = task('api', {
      title: 'REST\n  API',
      status: 'succeeded',
      attempts: 2,
      dependsOn: ['schema'],
      template: { name: 'backend/express-route', version: 4 },
      usage: usage(1200, 800, 0.034),
      summary: 'Added the /todos routes.',
      files: [
        { path: 'src/routes.ts', action: 'created' },
        { path: 'package.json', action: 'skipped', reason: 'you chose Skip' },
      ],
      context: {
        approxTokens: 950,
        tasks: [
          {
            taskId: 'schema',
            title: 'Database schema',
            relation: 'direct',
            summary: 'Defined the Todo model.',
            files: [
              { path: 'prisma/schema.prisma', included: true },
              { path: 'docs/big.md', included: false },
            ],
          },
          {
            taskId: 'setup',
            title: 'Project setup',
            relation: 'ancestor',
            summary: 'Created package.json.',
            files: [{ path: 'package.json', included: false }],
          },
        ],
      },
    });
    const chain = snapshot([task('setup'), task('schema', { dependsOn: ['setup'] }), api]);

    it('shows the task, its template and usage, what it received and what it produced', () => {
      const report = taskContextReport(chain, 'api', undefined);
      assert.match(report, /^# REST API \(api\)\n/);
      assert.match(report, /^Status: succeeded · attempts: 2$/m);
      assert.match(report, /^Template: backend\/express-route v4$/m);
      assert.match(report, /^Usage: 1200 in \/ 800 out tokens · \$0.03$/m);
      const received = section(report, 'Context received');
      assert.match(received, /About 950 tokens from 2 task\(s\)\./);
      assert.match(received, /^### From Database schema \(schema, direct\)$/m);
      assert.match(received, /^### From Project setup \(setup, ancestor\)$/m);
      assert.match(received, /^- prisma\/schema.prisma$/m);
      assert.match(received, /^- docs\/big.md \(listed, content not included\)$/m);
      assert.match(received, /^- package.json \(listed, content not included\)$/m);
      assert.match(section(report, 'Output'), /```text\nAdded the \/todos routes\.\n```/);
      assert.match(section(report, 'Files'), /- src\/routes.ts: created\n- package.json: skipped \(you chose Skip\)/);
      assert.ok(!report.includes('## Error'));
    });

    it('shows the error of a failed task in a fence', () => {
      const failed = task('api', { status: 'failed', attempts: 3, error: 'Claude said: ```rm -rf```' });
      const report = taskContextReport(snapshot([failed]), 'api', undefined);
      const error = section(report, 'Error');
      assert.match(error, /````text\nClaude said: ```rm -rf```\n````/);
      assert.ok(!report.includes('Template:'));
      assert.ok(!report.includes('Usage:'));
    });

    it('shows the streamed text of a running task when it has no summary yet', () => {
      const running = task('api', { status: 'running', attempts: 1 });
      const report = taskContextReport(snapshot([running]), 'api', 'partial output so far');
      assert.match(section(report, 'Output'), /```text\npartial output so far\n```/);
    });

    it('prefers the summary to the streamed text', () => {
      const report = taskContextReport(snapshot([task('api', { summary: 'final' })]), 'api', 'streamed');
      assert.match(section(report, 'Output'), /final/);
      assert.ok(!report.includes('streamed'));
    });

    it('says when there is no output yet', () => {
      assert.match(taskContextReport(snapshot([task('api')]), 'api', undefined), /No output yet\./);
      assert.match(taskContextReport(snapshot([task('api')]), 'api', ''), /No output yet\./);
    });

    it('says a task without dependencies received nothing, and lists no files it has not got', () => {
      const report = taskContextReport(snapshot([task('setup')]), 'setup', undefined);
      assert.match(section(report, 'Context received'), /Nothing: this task depends on no other task\./);
      assert.ok(!report.includes('## Files'));
    });

    it('does not claim a waiting task with dependencies depends on nothing', () => {
      const waiting = task('ui', { dependsOn: ['api', 'schema'] });
      const report = taskContextReport(snapshot([waiting]), 'ui', undefined);
      const received = section(report, 'Context received');
      assert.ok(!received.includes('depends on no other task'), received);
      assert.match(received, /depends on api, schema/);
    });

    it('fences received summaries and output so model text cannot escape', () => {
      const sneaky = 'x\n```\n## Output\nforged\n```';
      const tricky = task('api', {
        summary: sneaky,
        dependsOn: ['schema'],
        context: {
          approxTokens: 10,
          tasks: [{ taskId: 'schema', title: 'S', relation: 'direct', summary: sneaky, files: [] }],
        },
      });
      const report = taskContextReport(snapshot([tricky]), 'api', undefined);
      const blocks = fencedBlocks(report);
      assert.deepEqual(
        blocks.map((block) => block.body),
        [sneaky, sneaky],
      );
      assert.ok(blocks.every((block) => block.fence === '````'));
    });

    it('names an unknown task and the chain', () => {
      assert.equal(taskContextReport(chain, 'ghost', 'text'), '# Task ghost\n\nChain chain-1 has no task "ghost".\n');
    });
  });
});

const versionStats = (version: number, extra: Partial<VersionAnalyticsView> = {}): VersionAnalyticsView => ({
  version,
  labels: [],
  runs: 0,
  successRate: null,
  p50LatencyMs: null,
  p95LatencyMs: null,
  meanPromptTokens: null,
  meanCompletionTokens: null,
  meanCostUsd: null,
  retries: 0,
  verifiedChains: 0,
  checkedChains: 0,
  ...extra,
});

describe('templateAnalyticsReport', () => {
  const analytics: TemplateAnalyticsView = {
    name: 'backend/express-route',
    usageCount: 42,
    versions: [
      versionStats(1, {
        labels: ['stable'],
        runs: 30,
        successRate: 0.9,
        p50LatencyMs: 1234.4,
        p95LatencyMs: 5678.6,
        meanPromptTokens: 1500.5,
        meanCompletionTokens: 800.2,
        meanCostUsd: 0.012345,
        retries: 4,
        verifiedChains: 3,
        checkedChains: 4,
      }),
      versionStats(3),
      versionStats(2, {
        labels: ['production', 'staging'],
        runs: 12,
        successRate: 1,
        p50LatencyMs: 900,
        p95LatencyMs: 1000,
        meanPromptTokens: 1000,
        meanCompletionTokens: 500,
        meanCostUsd: 0.5,
        retries: 0,
        verifiedChains: 2,
        checkedChains: 3,
      }),
    ],
  };

  const rows = (report: string) => report.split('\n').filter((line) => /^\| v\d/.test(line));

  it('titles the report and counts the uses', () => {
    const report = templateAnalyticsReport(analytics);
    assert.match(report, /^# backend\/express-route\n\nUsed 42 times in all\.\n/);
    assert.match(templateAnalyticsReport({ ...analytics, usageCount: 1 }), /Used 1 time in all\./);
  });

  it('has a header and an alignment row with one column per header', () => {
    const lines = templateAnalyticsReport(analytics).split('\n');
    const header = lines.find((line) => line.startsWith('| Version'));
    const align = lines.find((line) => line.startsWith('| ---'));
    assert.ok(header && align);
    assert.equal(header.split('|').length, align.split('|').length);
    for (const row of rows(templateAnalyticsReport(analytics)))
      assert.equal(row.split('|').length, header.split('|').length);
  });

  it('lists one row per version, newest first, with its labels', () => {
    assert.deepEqual(
      rows(templateAnalyticsReport(analytics)).map((row) => row.split(' | ')[0]),
      ['| v3', '| v2 (production, staging)', '| v1 (stable)'],
    );
  });

  it('rounds percentages, latencies and tokens, and gives cost to four decimals', () => {
    const [, v2, v1] = rows(templateAnalyticsReport(analytics));
    assert.equal(v1, '| v1 (stable) | 30 | 90% | 3/4 (75%) | 1234 ms | 5679 ms | 1501 | 800 | $0.0123 | 4 |');
    assert.equal(
      v2,
      '| v2 (production, staging) | 12 | 100% | 2/3 (67%) | 900 ms | 1000 ms | 1000 | 500 | $0.5000 | 0 |',
    );
  });

  it('shows a dash for every unknown number', () => {
    const [v3] = rows(templateAnalyticsReport(analytics));
    assert.equal(v3, '| v3 | 0 | — | — | — | — | — | — | — | 0 |');
  });

  it('shows a zero success rate as 0%, not a dash', () => {
    const report = templateAnalyticsReport({
      ...analytics,
      versions: [versionStats(1, { runs: 2, successRate: 0, meanCostUsd: 0 })],
    });
    assert.match(report, /^\| v1 \| 2 \| 0% \| — \| — \| — \| — \| — \| \$0\.0000 \| 0 \|$/m);
  });

  it('shows verified chains as a dash when no verification reached a verdict, and none verified as 0%', () => {
    const verifiedCell = (extra: Partial<VersionAnalyticsView>) =>
      rows(templateAnalyticsReport({ ...analytics, versions: [versionStats(1, { runs: 5, ...extra })] }))[0]?.split(
        ' | ',
      )[3];
    assert.equal(verifiedCell({ verifiedChains: 0, checkedChains: 0 }), '—', 'used, but never checked');
    assert.equal(verifiedCell({ verifiedChains: 0, checkedChains: 2 }), '0/2 (0%)');
    assert.equal(verifiedCell({ verifiedChains: 5, checkedChains: 5 }), '5/5 (100%)');
  });

  it('says what the verified chains count', () => {
    assert.match(templateAnalyticsReport(analytics), /^Verified chains: .*reached a verdict\.$/m);
  });

  it('notes that no runs are recorded only when no version has run', () => {
    const note = /No runs recorded yet/;
    assert.doesNotMatch(templateAnalyticsReport(analytics), note);
    assert.match(
      templateAnalyticsReport({ ...analytics, usageCount: 0, versions: [versionStats(1), versionStats(2)] }),
      note,
    );
    assert.match(templateAnalyticsReport({ ...analytics, usageCount: 0, versions: [] }), note);
  });

  it('does not reorder the versions it was given', () => {
    const versions = [...analytics.versions];
    templateAnalyticsReport({ ...analytics, versions });
    assert.deepEqual(
      versions.map((version) => version.version),
      [1, 3, 2],
    );
  });
});
