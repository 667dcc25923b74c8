import './setupDom';
import { strict as assert } from 'node:assert';
import {
  buildEdges,
  buildNodes,
  computeLayout,
  LayoutCache,
  layoutKey,
  NODE_HEIGHT,
  NODE_WIDTH,
} from '../../webview-ui/src/graph/layout';
import type { TaskSnapshot } from '../../webview-ui/src/protocol';
import { generateTasks } from './fixtures';

const noop = (): void => {};

describe('webview graph layout', () => {
  const tasks = generateTasks(300);

  it('places every one of 300 tasks, each dependency left of its dependents', async () => {
    const layout = await computeLayout(tasks, 'RIGHT');
    assert.equal(layout.positions.size, 300);
    for (const task of tasks) {
      const position = layout.positions.get(task.id);
      assert.ok(position, `${task.id} has a position`);
      assert.ok(Number.isFinite(position.x) && Number.isFinite(position.y), `${task.id} is placed`);
    }
    const edges = buildEdges(tasks);
    assert.ok(edges.length > 300, 'the generated graph has many edges');
    for (const edge of edges) {
      const source = layout.positions.get(edge.source);
      const target = layout.positions.get(edge.target);
      assert.ok(source && target);
      assert.ok(source.x + NODE_WIDTH <= target.x, `${edge.source} is left of ${edge.target}`);
    }
    const nodes = buildNodes(tasks, layout, undefined, noop);
    assert.equal(nodes.length, 300);
    assert.ok(nodes.every((node) => node.width === NODE_WIDTH && node.height === NODE_HEIGHT));
  });

  it('puts dependencies above their dependents when laid out downwards', async () => {
    const layout = await computeLayout(tasks.slice(0, 60), 'DOWN');
    for (const edge of buildEdges(tasks.slice(0, 60))) {
      const source = layout.positions.get(edge.source);
      const target = layout.positions.get(edge.target);
      assert.ok(source && target);
      assert.ok(source.y + NODE_HEIGHT <= target.y, `${edge.source} is above ${edge.target}`);
    }
  });

  it('does not run ELK again when only statuses change', async () => {
    const cache = new LayoutCache();
    const first = await cache.layout(tasks);
    assert.equal(cache.elkRuns, 1);

    const progressed: TaskSnapshot[] = tasks.map((task, index) => ({
      ...task,
      status: index % 2 === 0 ? 'succeeded' : 'running',
      attempts: 2,
      usage: { inputTokens: 1, outputTokens: 2, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0.01 },
    }));
    assert.equal(layoutKey(progressed), layoutKey(tasks));
    const second = await cache.layout(progressed);
    assert.equal(cache.elkRuns, 1, 'no new layout for status changes');
    assert.equal(second, first, 'the same layout object is reused');

    const nodes = buildNodes(progressed, second, 't5', noop);
    assert.equal(nodes.find((node) => node.id === 't1')?.data.task.status, 'running');
    assert.equal(nodes.find((node) => node.id === 't5')?.selected, true);

    const reshaped = [...progressed, { ...progressed[0]!, id: 'extra', dependsOn: ['t299'] }];
    const third = await cache.layout(reshaped);
    assert.equal(cache.elkRuns, 2, 'a new task re-runs the layout');
    assert.equal(third.positions.size, 301);
  });

  it('keeps the node objects of tasks that look the same', async () => {
    const layout = await new LayoutCache().layout(tasks.slice(0, 10));
    const before = buildNodes(tasks.slice(0, 10), layout, undefined, noop);
    const changed = tasks
      .slice(0, 10)
      .map((task) => (task.id === 't3' ? { ...task, status: 'running' as const } : { ...task }));
    const after = buildNodes(changed, layout, 't5', noop, new Map(before.map((node) => [node.id, node])));
    const same = after.filter((node, index) => node === before[index]).map((node) => node.id);
    assert.deepEqual(same, ['t0', 't1', 't2', 't4', 't6', 't7', 't8', 't9']);
    assert.equal(after[3]?.data.task.status, 'running');
    assert.equal(after[5]?.selected, true);
  });

  it('leaves out dependencies on tasks that are not in the graph', () => {
    const edges = buildEdges([
      { ...tasks[0]!, id: 'a', dependsOn: [] },
      { ...tasks[0]!, id: 'b', dependsOn: ['a', 'missing', 'a'] },
    ]);
    assert.deepEqual(
      edges.map((edge) => edge.id),
      ['a->b'],
    );
  });
});
