/** `takoss templates …` as a user runs it: the built CLI against a fresh database. */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli';
import { freshDatabase, type TestDatabase } from '../helpers/database';

describe('takoss templates (CLI)', function () {
  this.timeout(60_000);
  let database: TestDatabase;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    database = freshDatabase();
    dir = await mkdtemp(path.join(tmpdir(), 'takoss-templates-'));
    env = { DATABASE_URL: database.url };
  });
  after(async () => {
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists the built-in templates of a fresh library, by category', async () => {
    const all = await runCli(['templates', 'list', '--json'], env);
    assert.equal(all.code, 0, all.stderr);
    const names = (JSON.parse(all.stdout) as { templates: { name: string }[] }).templates.map(
      (template) => template.name,
    );
    assert.ok(names.length >= 15);
    assert.ok(names.includes('backend/express-route'));
    const frontend = await runCli(['templates', 'list', '--category', 'frontend'], env);
    assert.match(frontend.stdout, /^frontend\/react-component\s+v1/m);
    assert.doesNotMatch(frontend.stdout, /backend\//);
    const bad = await runCli(['templates', 'list', '--category', 'marketing'], env);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Unknown --category "marketing"/);
  });

  it('searches, shows, adds a version from YAML, labels and rolls back', async () => {
    const search = await runCli(['templates', 'search', 'dockerfile'], env);
    assert.match(search.stdout.split('\n')[0] ?? '', /^devops\/dockerfile/);

    const file = path.join(dir, 'route.yaml');
    await writeFile(
      file,
      [
        'name: backend/express-route',
        'text: |',
        '  Keep {{task_title}} small.',
        '  {{task_description}}',
        'variables:',
        '  - name: task_title',
        '  - name: task_description',
        '',
      ].join('\n'),
    );
    const added = await runCli(['templates', 'add', file], env);
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /Added backend\/express-route v2 \(production\)/);
    const shown = await runCli(['templates', 'show', 'backend/express-route'], env);
    assert.match(shown.stdout, /^backend\/express-route v2 \[backend\] \(production\)/);
    assert.match(shown.stdout, /Keep \{\{task_title\}\} small\./);

    const rolled = await runCli(['templates', 'rollback', 'backend/express-route'], env);
    assert.match(rolled.stdout, /production → v1/);
    const diff = await runCli(['templates', 'diff', 'backend/express-route', '1', '2'], env);
    assert.match(diff.stdout, /^\+Keep \{\{task_title\}\} small\.$/m);
    const labelled = await runCli(['templates', 'label', 'backend/express-route', '2'], env);
    assert.match(labelled.stdout, /production → v2/);
    const missing = await runCli(['templates', 'show', 'no/such'], env);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /No template "no\/such"/);
  });

  it('exports and dry-runs an import of its own export without changes', async () => {
    const file = path.join(dir, 'library.json');
    assert.equal((await runCli(['templates', 'export', file], env)).code, 0);
    const bundle = JSON.parse(await readFile(file, 'utf8')) as { templates: unknown[] };
    assert.ok(bundle.templates.length >= 15);
    const dryRun = await runCli(['templates', 'import', file, '--dry-run'], env);
    assert.equal(dryRun.code, 0, dryRun.stderr);
    assert.doesNotMatch(dryRun.stdout, /^\+ /m, 'nothing new');
    assert.match(dryRun.stdout, /Dry run: nothing was written\./);
  });

  it('shows analytics per version', async () => {
    const result = await runCli(['templates', 'analytics', 'backend/express-route', '--json'], env);
    assert.equal(result.code, 0, result.stderr);
    const analytics = JSON.parse(result.stdout) as {
      versions: { version: number; runs: number; verifiedChains: number; checkedChains: number }[];
    };
    assert.deepEqual(
      analytics.versions.map((version) => [
        version.version,
        version.runs,
        version.verifiedChains,
        version.checkedChains,
      ]),
      [
        [2, 0, 0, 0],
        [1, 0, 0, 0],
      ],
    );
    const table = await runCli(['templates', 'analytics', 'backend/express-route'], env);
    assert.equal(table.code, 0, table.stderr);
    assert.match(
      table.stdout,
      /^ {2}v2 \(production\): 0 runs, — succeeded, verified —, p50/m,
      'no verdict yet: a dash',
    );
  });
});
