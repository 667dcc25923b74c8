import './setupDom';
import { strict as assert } from 'node:assert';
import {
  buildEdgePaths,
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

/** Every dependency → dependent pair of the tasks (all of them are in the graph). */
const dependencies = (graph: readonly TaskSnapshot[]) =>
  graph.flatMap((task) => [...new Set(task.dependsOn)].map((source) => ({ source, target: task.id })));

/** How many separate curves (or arrowheads) an SVG path draws. */
const pieces = (path: string) => path.split('M').length - 1;

describe('webview graph layout', () => {
  const tasks = generateTasks(300);

  it('places every one of 300 tasks, each dependency left of its dependents', () => {
    const layout = computeLayout(tasks, 'RIGHT');
    assert.equal(layout.positions.size, 300);
    for (const task of tasks) {
      const position = layout.positions.get(task.id);
      assert.ok(position, `${task.id} has a position`);
      assert.ok(Number.isFinite(position.x) && Number.isFinite(position.y), `${task.id} is placed`);
    }
    const edges = dependencies(tasks);
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

  it('puts dependencies above their dependents when laid out downwards', () => {
    const layout = computeLayout(tasks.slice(0, 60), 'DOWN');
    for (const edge of dependencies(tasks.slice(0, 60))) {
      const source = layout.positions.get(edge.source);
      const target = layout.positions.get(edge.target);
      assert.ok(source && target);
      assert.ok(source.y + NODE_HEIGHT <= target.y, `${edge.source} is above ${edge.target}`);
    }
  });

  it('does not lay out again when only statuses change', () => {
    const cache = new LayoutCache();
    const first = cache.layout(tasks);
    assert.equal(cache.runs, 1);

    const progressed: TaskSnapshot[] = tasks.map((task, index) => ({
      ...task,
      status: index % 2 === 0 ? 'succeeded' : 'running',
      attempts: 2,
      usage: { inputTokens: 1, outputTokens: 2, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0.01 },
    }));
    assert.equal(layoutKey(progressed), layoutKey(tasks));
    const second = cache.layout(progressed);
    assert.equal(cache.runs, 1, 'no new layout for status changes');
    assert.equal(second, first, 'the same layout object is reused');

    const nodes = buildNodes(progressed, second, 't5', noop);
    assert.equal(nodes.find((node) => node.id === 't1')?.data.task.status, 'running');
    assert.equal(nodes.find((node) => node.id === 't5')?.selected, true);

    const reshaped = [...progressed, { ...progressed[0]!, id: 'extra', dependsOn: ['t299'] }];
    const third = cache.layout(reshaped);
    assert.equal(cache.runs, 2, 'a new task re-runs the layout');
    assert.equal(third.positions.size, 301);
  });

  it('keeps the node objects of tasks that look the same', () => {
    const layout = new LayoutCache().layout(tasks.slice(0, 10));
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

  it('draws each dependency once, in the look of its ends, with an arrowhead', () => {
    const task = (id: string, dependsOn: string[], status: TaskSnapshot['status'] = 'waiting') => ({
      ...tasks[0]!,
      id,
      dependsOn,
      status,
    });
    // a→c and a→d leave a succeeded task, c→e and a→e enter a running one (that wins), b→c is neither.
    const graph = [task('a', [], 'succeeded'), task('b', []), task('c', ['a', 'b']), task('d', ['a'])];
    graph.push(task('e', ['c', 'a'], 'running'));
    const paths = buildEdgePaths(graph, computeLayout(graph));
    assert.equal(paths.count, 5);
    assert.deepEqual(
      { pending: pieces(paths.lines.pending), done: pieces(paths.lines.done), running: pieces(paths.lines.running) },
      { pending: 1, done: 2, running: 2 },
    );
    for (const look of ['pending', 'done', 'running'] as const) {
      assert.equal(pieces(paths.arrows[look]), pieces(paths.lines[look]), `one arrowhead per ${look} edge`);
    }
  });

  it('ends each edge at its dependent, after leaving its dependency', () => {
    const graph = [
      { ...tasks[0]!, id: 'a', dependsOn: [] },
      { ...tasks[0]!, id: 'b', dependsOn: ['a'] },
    ];
    const layout = computeLayout(graph);
    const a = layout.positions.get('a')!;
    const b = layout.positions.get('b')!;
    const { lines, arrows } = buildEdgePaths(graph, layout);
    assert.ok(lines.pending.startsWith(`M${a.x + NODE_WIDTH},${a.y + NODE_HEIGHT / 2}`), lines.pending);
    assert.ok(arrows.pending.startsWith(`M${b.x},${b.y + NODE_HEIGHT / 2}`), arrows.pending);
  });

  it('leaves out dependencies on tasks that are not in the graph', () => {
    const graph = [
      { ...tasks[0]!, id: 'a', dependsOn: [] },
      { ...tasks[0]!, id: 'b', dependsOn: ['a', 'missing', 'a', 'b'] },
    ];
    const paths = buildEdgePaths(graph, computeLayout(graph));
    assert.equal(paths.count, 1);
    assert.equal(pieces(paths.lines.pending), 1);
  });
});
