/**
 * The template library joined to the engine: the planner's prompt and template list come
 * from the library, a task that names a template gets its production version, and each
 * use is recorded against that version.
 */
import assert from 'node:assert/strict';
import { createVersion, getTemplate } from '../../server/src/templates/templateStore';
import { getTemplateAnalytics } from '../../server/src/templates/templateUsage';
import { planTask, startHarness, type Harness } from '../helpers/engineHarness';

describe('the engine with the template library', function () {
  this.timeout(60_000);
  let harness: Harness | undefined;

  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('plans with the library’s planner prompt, renders each task’s template, and records every use', async () => {
    const plan = {
      tasks: [
        { ...planTask('api'), title: 'Todo REST API', template: 'backend/express-route' },
        { ...planTask('docs', ['api'], 'docs'), template: 'no/such-template' },
      ],
    };
    harness = await startHarness({
      plans: [plan],
      tasks: { api: { files: [{ path: 'src/app.ts', content: 'export {};\n' }] } },
    });
    const current = await getTemplate(harness.engine.templates, 'backend/express-route');
    const custom = await createVersion(harness.engine.templates, 'backend/express-route', {
      variables: [...current.variables],
      text: 'HOUSE RULE for {{task_title}}: thin controllers.\n{{task_description}}',
    });

    const run = await harness.build();
    assert.equal(run.result.status, 'succeeded', harness.logs.join('\n'));

    const planner = await getTemplate(harness.engine.templates, 'decomposer/plan');
    const decomposition = harness.fake.requests.find((request) => request.kind === 'decompose')!;
    assert.equal((decomposition.body.system as string).slice(0, 200), planner.systemPrompt!.slice(0, 200));
    assert.match(decomposition.firstUserText, /- backend\/express-route \[backend\]: /);
    assert.doesNotMatch(
      decomposition.firstUserText,
      /- decomposer\/plan/,
      'the planner is not offered as a task template',
    );

    const apiPrompt = harness.fake.requestsFor('api').find((request) => request.turn === 0)!.firstUserText;
    assert.match(apiPrompt, /HOUSE RULE for Todo REST API: thin controllers\.\nWrite the api module\./);
    const docsPrompt = harness.fake.requestsFor('docs').find((request) => request.turn === 0)!.firstUserText;
    assert.doesNotMatch(docsPrompt, /HOUSE RULE/);
    assert.ok(harness.logs.some((line) => /names template "no\/such-template".*runs without one/.test(line)));

    const record = await harness.engine.repository.find(run.created.chainId);
    assert.deepEqual(record?.templates?.api, {
      name: 'backend/express-route',
      version: custom.version,
      versionId: custom.id,
      instructions: 'HOUSE RULE for Todo REST API: thin controllers.\nWrite the api module.',
    });
    const analytics = await getTemplateAnalytics(harness.engine.templates, 'backend/express-route');
    const used = analytics.versions.find((version) => version.version === custom.version);
    assert.equal(used?.runs, 1);
    assert.equal(used?.successRate, 1);
    assert.ok((used?.meanPromptTokens ?? 0) > 0);
    const plannerUse = await getTemplateAnalytics(harness.engine.templates, 'decomposer/plan');
    assert.equal(plannerUse.versions[0]?.runs, 1, 'the planning call is recorded against the planner template');
  });
});
