import assert from 'node:assert/strict';
import { withVerifyLadder } from '../../server/src/decomposer/verifyLadder';
import type { TaskGraph } from '../../server/src/decomposer/taskGraph';
import {
  LOWEST_PRIORITY,
  remainingPathLengths,
  taskPriorities,
  taskPriority,
} from '../../server/src/queue/taskPriority';

const graph = (edges: Record<string, string[]>): TaskGraph => ({
  tasks: Object.entries(edges).map(([id, dependsOn]) => ({
    id,
    title: id,
    description: `Task ${id}`,
    category: 'general',
    dependsOn,
  })),
});

describe('the order ready tasks start in (longest path first)', () => {
  it('counts the tasks on the longest path from each task to the end, whatever order the plan lists them in', () => {
    // Dependents listed before what they depend on, and a diamond with one long side.
    const diamond = graph({
      end: ['left', 'right-2'],
      'right-2': ['right'],
      left: ['start'],
      right: ['start'],
      start: [],
    });
    assert.deepEqual(Object.fromEntries(remainingPathLengths(diamond)), {
      start: 4,
      right: 3,
      'right-2': 2,
      left: 2,
      end: 1,
    });
  });

  it('gives 1 to the tasks that start the longest path and one more for each task fewer after a task', () => {
    const plan = graph({ 'long-1': [], 'long-2': ['long-1'], 'long-3': ['long-2'], short: [] });
    assert.deepEqual(Object.fromEntries(taskPriorities(plan)), { 'long-1': 1, 'long-2': 2, 'long-3': 3, short: 3 });
    assert.equal(taskPriority(plan, 'short'), 3);
  });

  it('numbers every chain from 1, so chains sharing a queue start their longest paths on equal terms', () => {
    const deep = graph({ a: [], b: ['a'], c: ['b'], d: ['c'] });
    const shallow = graph({ x: [], y: ['x'] });
    assert.equal(taskPriority(deep, 'a'), 1);
    assert.equal(taskPriority(shallow, 'x'), 1);
  });

  it('puts the verification ladder last, in its own order', () => {
    const plan = withVerifyLadder(graph({ api: [], web: ['api'] }), 1);
    const priorities = taskPriorities(plan);
    assert.deepEqual(
      plan.tasks.map((task) => [task.id, priorities.get(task.id)]),
      [
        ['api', 1],
        ['web', 2],
        ['verify-1', 3],
        ['repair-1', 4],
        ['verify-2', 5],
      ],
    );
  });

  it('gives the lowest priority to a task whose graph is not known, or is not in it', () => {
    assert.equal(taskPriority(undefined, 'api'), LOWEST_PRIORITY);
    assert.equal(taskPriority(graph({ api: [] }), 'web'), LOWEST_PRIORITY);
  });

  it('handles a 100,000-task linear chain without recursion', () => {
    const count = 100_000;
    const chain = graph(
      Object.fromEntries(
        Array.from({ length: count }, (_, index) => [`t${index}`, index === 0 ? [] : [`t${index - 1}`]]),
      ),
    );
    const priorities = taskPriorities(chain);
    assert.equal(priorities.get('t0'), 1);
    assert.equal(priorities.get(`t${count - 1}`), count);
  });
});
