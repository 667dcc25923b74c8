import assert from 'node:assert/strict';
import {
  InvalidTaskGraphError,
  ancestorsOf,
  dependentsOf,
  findCycle,
  validateTaskGraph,
} from '../../server/src/decomposer/taskGraph';

const task = (id: string, dependsOn: string[] = [], extra: Record<string, unknown> = {}) => ({
  id,
  title: `Task ${id}`,
  description: `Build ${id}`,
  category: 'backend',
  dependsOn,
  ...extra,
});

function problemsOf(input: unknown, maxTasks?: number): readonly string[] {
  try {
    validateTaskGraph(input, maxTasks === undefined ? {} : { maxTasks });
  } catch (error) {
    assert.ok(error instanceof InvalidTaskGraphError);
    assert.equal(error.exitCode, 2, 'a bad graph is bad input');
    return error.problems;
  }
  assert.fail('the graph was accepted');
}

describe('task graph validation', () => {
  it('accepts a diamond and keeps template and dependencies', () => {
    const graph = validateTaskGraph({
      tasks: [
        task('a', [], { template: 'backend/express-route' }),
        task('b', ['a']),
        task('c', ['a']),
        task('d', ['b', 'c']),
      ],
    });
    assert.equal(graph.tasks.length, 4);
    assert.equal(graph.tasks[0]?.template, 'backend/express-route');
    assert.deepEqual(dependentsOf(graph).get('a'), ['b', 'c']);
    assert.deepEqual(ancestorsOf(graph, 'd'), { direct: ['b', 'c'], indirect: ['a'] });
  });

  it('defaults a missing dependsOn to none', () => {
    const graph = validateTaskGraph({ tasks: [{ id: 'solo', title: 'Solo', description: 'x', category: 'docs' }] });
    assert.deepEqual(graph.tasks[0]?.dependsOn, []);
  });

  it('names a cycle, in order', () => {
    const problems = problemsOf({ tasks: [task('a', ['c']), task('b', ['a']), task('c', ['b']), task('d')] });
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /cycle: (a → c → b → a|b → a → c → b|c → b → a → c)/);
  });

  it('names an unknown dependency and a self-dependency', () => {
    const problems = problemsOf({ tasks: [task('a', ['ghost']), task('b', ['b'])] });
    assert.ok(problems.includes('task "a": dependsOn names unknown task "ghost"'));
    assert.ok(problems.includes('task "b": depends on itself'));
  });

  it('names duplicate ids', () => {
    assert.deepEqual(problemsOf({ tasks: [task('a'), task('a')] }), ['task "a": the id is used more than once']);
  });

  it('refuses too many tasks before looking at them, naming the limit and the setting', () => {
    const tasks = Array.from({ length: 10_000 }, (_, index) => task(`t${index}`));
    const problems = problemsOf({ tasks }, 40);
    assert.deepEqual(problems, ['the graph has 10000 tasks; at most 40 are allowed (setting takoss.maxTasks)']);
  });

  it('refuses ids that could escape a key or a path, and unknown categories', () => {
    const problems = problemsOf({
      tasks: [task('chain:x'), task('../up'), task('Upper'), task('ok', [], { category: 'marketing' })],
    });
    assert.ok(problems.some((problem) => problem.startsWith('task "chain:x": id must match')));
    assert.ok(problems.some((problem) => problem.startsWith('task "../up": id must match')));
    assert.ok(problems.some((problem) => problem.startsWith('task "Upper": id must match')));
    assert.ok(
      problems.includes(
        'task "ok": category "marketing" is not one of frontend, backend, database, testing, devops, docs, general',
      ),
    );
  });

  it('names missing or mistyped fields', () => {
    const problems = problemsOf({ tasks: [{ id: 'a', category: 'docs', dependsOn: 'b' }] });
    assert.ok(problems.some((problem) => /task "a": title is missing/.test(problem)));
    assert.ok(problems.some((problem) => /task "a": description is missing/.test(problem)));
    assert.ok(problems.some((problem) => /task "a": dependsOn is missing or not an array/.test(problem)));
  });

  it('refuses something that is not a graph at all, and an empty one', () => {
    assert.deepEqual(problemsOf('tasks'), ['the graph must be an object {"tasks": [...]}']);
    assert.deepEqual(problemsOf({ tasks: [] }), ['the graph has no tasks']);
  });

  it('lists at most 20 problems in the message and says how many more', () => {
    const tasks = Array.from({ length: 30 }, (_, index) => task(`t${index}`, ['missing']));
    try {
      validateTaskGraph({ tasks });
      assert.fail('accepted');
    } catch (error) {
      assert.ok(error instanceof InvalidTaskGraphError);
      assert.equal(error.problems.length, 30);
      assert.match(error.message, /… and 10 more/);
    }
  });

  it('finds no cycle in a graph without one', () => {
    assert.equal(findCycle([task('a'), task('b', ['a'])] as never), undefined);
  });
});
