import * as assert from 'node:assert/strict';
import { parseBuildAppArguments } from '../../extension/src/commands/buildAppArguments';

describe('Build App command arguments', () => {
  it('nothing, or something that is not a plain object, means "ask"', () => {
    for (const value of [undefined, null, 'text', 42, new (class Node {})()]) {
      assert.deepEqual(parseBuildAppArguments(value), { ok: true, value: {} }, typeof value);
    }
  });

  it('takes a request, a folder and options, trimming the request', () => {
    const parsed = parseBuildAppArguments({
      request: '  Build a Todo app with React and Express ',
      folder: '/work/app',
      options: { concurrency: 2, model: 'claude-sonnet-5-5', budgetUsd: 0.5, collection: 'lean' },
    });
    assert.deepEqual(parsed, {
      ok: true,
      value: {
        request: 'Build a Todo app with React and Express',
        folder: '/work/app',
        options: { concurrency: 2, model: 'claude-sonnet-5-5', budgetUsd: 0.5, collection: 'lean' },
      },
    });
  });

  it('refuses bad values and misspelt keys, naming each', () => {
    const parsed = parseBuildAppArguments({ requets: 'Build a Todo app', options: { concurrency: 0, model: 'GPT 5' } });
    assert.equal(parsed.ok, false);
    const error = parsed.ok ? '' : parsed.error;
    assert.match(error, /requets/);
    assert.match(error, /options\.concurrency/);
    assert.match(error, /options\.model: a model id such as claude-sonnet-5-5/);
  });

  it('refuses a request too short to plan from', () => {
    const parsed = parseBuildAppArguments({ request: 'todo' });
    assert.equal(parsed.ok, false);
    assert.match(parsed.ok ? '' : parsed.error, /request: say at least 10 characters/);
  });
});
