import assert from 'node:assert/strict';
import {
  TemplateRenderError,
  placeholdersOf,
  renderTemplate,
  type TemplateVariable,
} from '../../server/src/templates/render';

const variables: TemplateVariable[] = [
  { name: 'task_title', description: 'title', required: true },
  { name: 'task_description', description: 'what to build', required: true },
  { name: 'dependencies', description: 'deps', required: false },
];

describe('template rendering', () => {
  it('fills every placeholder, spaces inside braces allowed', () => {
    const result = renderTemplate('t', 'Build {{task_title}}: {{ task_description }}.\n{{dependencies}}', variables, {
      task_title: 'API',
      task_description: 'the REST routes',
      dependencies: 'Schema',
    });
    assert.equal(result.text, 'Build API: the REST routes.\nSchema');
    assert.deepEqual(result.undeclaredPlaceholders, []);
    assert.deepEqual(result.unusedValues, []);
  });

  it('names every missing required variable, and treats an empty value as missing', () => {
    assert.throws(
      () =>
        renderTemplate('backend/express-route', '{{task_title}} {{task_description}}', variables, { task_title: '' }),
      (error: unknown) => {
        assert.ok(error instanceof TemplateRenderError);
        assert.deepEqual(error.missing, ['task_title', 'task_description']);
        assert.match(
          error.message,
          /Template "backend\/express-route" needs \{\{task_title\}\}, \{\{task_description\}\}/,
        );
        assert.equal(error.exitCode, 2);
        return true;
      },
    );
  });

  it('renders a missing optional variable as empty', () => {
    const result = renderTemplate('t', '[{{dependencies}}]', variables, { task_title: 'a', task_description: 'b' });
    assert.equal(result.text, '[]');
  });

  it('inserts values literally: a value holding {{x}} or $& stays text and is never rendered again', () => {
    const result = renderTemplate('t', '{{task_title}} / {{task_description}}', variables, {
      task_title: 'Show {{task_description}} here',
      task_description: 'costs $& and $1',
    });
    assert.equal(result.text, 'Show {{task_description}} here / costs $& and $1');
  });

  it('reports placeholders the template does not declare and values nobody asked for', () => {
    const result = renderTemplate('t', '{{task_title}} {{surprise}} {{task_description}}', variables, {
      task_title: 'a',
      task_description: 'b',
      extra: 'c',
    });
    assert.equal(result.text, 'a {{surprise}} b', 'an undeclared placeholder is left as it was');
    assert.deepEqual(result.undeclaredPlaceholders, ['surprise']);
    assert.deepEqual(result.unusedValues, ['extra']);
  });

  it('lists the placeholders of a text once, in order', () => {
    assert.deepEqual(placeholdersOf('{{b}} {{a}} {{ b }}'), ['b', 'a']);
  });
});
