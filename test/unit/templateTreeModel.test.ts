import assert from 'node:assert/strict';
import type { TemplateSummaryView, TemplateVersionView } from '../../server/src/protocol';
import { categoryViews, templateViews, versionViews } from '../../extension/src/views/templateTreeModel';

const template = (name: string, category: string, extra: Partial<TemplateSummaryView> = {}): TemplateSummaryView => ({
  name,
  description: `About ${name}`,
  category,
  tags: [],
  usageCount: 0,
  lastUsedAt: null,
  productionVersion: 1,
  versions: 1,
  ...extra,
});

const version = (number: number, labels: string[], extra: Partial<TemplateVersionView> = {}): TemplateVersionView => ({
  name: 'backend/express-route',
  category: 'backend',
  version: number,
  labels,
  source: 'builtin',
  createdAt: '2025-02-01T09:30:00.000Z',
  changeNote: null,
  text: 'Build {{task_title}}',
  systemPrompt: null,
  variables: [],
  ...extra,
});

describe('template tree model', () => {
  const templates = [
    template('zeta/custom', 'zeta'),
    template('verify/check', 'verify'),
    template('frontend/react-page', 'frontend'),
    template('backend/express-route', 'backend'),
    template('backend/prisma-model', 'backend'),
    template('alpha/custom', 'alpha'),
    template('decomposer/plan', 'decomposer'),
    template('database/schema', 'database'),
  ];

  it('orders categories as the plan goes, unknown ones last in alphabetical order, with counts', () => {
    const views = categoryViews(templates);
    assert.deepEqual(
      views.map((view) => [view.label, view.description]),
      [
        ['decomposer', '1'],
        ['database', '1'],
        ['backend', '2'],
        ['frontend', '1'],
        ['verify', '1'],
        ['alpha', '1'],
        ['zeta', '1'],
      ],
    );
    assert.deepEqual(views[2]?.node, { kind: 'category', category: 'backend' });
    assert.equal(views[2]?.tooltip, '2 backend templates');
    assert.equal(views[0]?.tooltip, '1 decomposer template');
    assert.ok(views.every((view) => view.contextValue === 'templateCategory' && view.collapsible));
  });

  it('follows the full category order whatever the input order', () => {
    const order = ['decomposer', 'database', 'backend', 'frontend', 'testing', 'devops', 'docs', 'general', 'verify'];
    const shuffled = [...order].reverse().map((category) => template(`${category}/t`, category));
    assert.deepEqual(
      categoryViews(shuffled).map((view) => view.label),
      order,
    );
  });

  it('has no categories without templates', () => {
    assert.deepEqual(categoryViews([]), []);
  });

  it('lists only the templates of the asked category, by their short name', () => {
    const views = templateViews(
      [
        ...templates,
        template('backend/auth', 'backend', { productionVersion: 4, usageCount: 12, tags: ['jwt', 'express'] }),
      ],
      'backend',
    );
    assert.deepEqual(
      views.map((view) => view.label),
      ['express-route', 'prisma-model', 'auth'],
    );
    assert.deepEqual(views[2]?.node, { kind: 'template', name: 'backend/auth' });
    assert.equal(views[2]?.description, 'v4 · 12 uses');
    assert.equal(views[2]?.tooltip, 'backend/auth\nAbout backend/auth\nTags: jwt, express');
    assert.equal(views[0]?.tooltip, 'backend/express-route\nAbout backend/express-route\nTags: none');
    assert.ok(views.every((view) => view.contextValue === 'template' && view.collapsible));
    assert.deepEqual(templateViews(templates, 'docs'), []);
  });

  it('shows a dash for a template without a production version', () => {
    const [view] = templateViews([template('general/draft', 'general', { productionVersion: null })], 'general');
    assert.equal(view?.description, 'v— · 0 uses');
  });

  it('marks the production version with a star and its own context value', () => {
    const views = versionViews([
      version(3, ['staging'], { source: 'user', changeNote: 'Tighter prompt' }),
      version(2, ['production', 'stable'], { createdAt: '2025-01-15T23:59:59.000Z' }),
      version(1, []),
    ]);
    assert.deepEqual(
      views.map((view) => [view.label, view.contextValue, view.icon]),
      [
        ['v3', 'templateVersion', 'versions'],
        ['v2 ★ production', 'templateVersion.production', 'star-full'],
        ['v1', 'templateVersion', 'versions'],
      ],
    );
    assert.equal(views[0]?.description, 'user · staging · 2025-02-01');
    assert.equal(views[1]?.description, 'builtin · stable · 2025-01-15');
    assert.equal(views[2]?.description, 'builtin · 2025-02-01');
    assert.deepEqual(views[1]?.node, { kind: 'version', name: 'backend/express-route', version: 2 });
    assert.equal(views[0]?.tooltip, 'backend/express-route v3\nTighter prompt');
    assert.equal(views[2]?.tooltip, 'backend/express-route v1');
    assert.ok(views.every((view) => !view.collapsible));
  });
});
