import { strict as assert } from 'node:assert';
import {
  bendKey,
  computeLayout,
  LAYER_SPACING,
  NODE_HEIGHT,
  NODE_SPACING,
  NODE_WIDTH,
  type GraphLayout,
} from '../../webview-ui/src/graph/layout';
import type { TaskSnapshot } from '../../webview-ui/src/protocol';
import { generateTasks, makeTask } from './fixtures';

/** Tasks from `id<dependency,dependency` strings (`'c<a,b'`: c depends on a and b). */
const graph = (...specs: string[]): TaskSnapshot[] =>
  specs.map((spec) => {
    const [id, dependsOn = ''] = spec.split('<');
    return makeTask({ id: id!, dependsOn: dependsOn ? dependsOn.split(',') : [] });
  });

function overlapping(layout: GraphLayout): string[] {
  const placed = [...layout.positions];
  const pairs: string[] = [];
  for (let a = 0; a < placed.length; a++) {
    for (let b = a + 1; b < placed.length; b++) {
      const [idA, p] = placed[a]!;
      const [idB, q] = placed[b]!;
      if (Math.abs(p.x - q.x) < NODE_WIDTH && Math.abs(p.y - q.y) < NODE_HEIGHT) pairs.push(`${idA}/${idB}`);
    }
  }
  return pairs;
}

describe('webview layout geometry (dagre)', () => {
  it('puts each task one layer after its latest dependency, with the spacing asked for', () => {
    // a → b → d, a → c → d, and a → d directly: d is in the third layer, the long edge goes round.
    const layout = computeLayout(graph('a', 'b<a', 'c<a', 'd<b,c,a'));
    const x = (id: string) => layout.positions.get(id)?.x;
    const step = NODE_WIDTH + LAYER_SPACING;
    assert.deepEqual([x('a'), x('b'), x('c'), x('d')], [0, step, step, 2 * step]);
    assert.equal(layout.width, 3 * NODE_WIDTH + 2 * LAYER_SPACING);
    const b = layout.positions.get('b')!;
    const c = layout.positions.get('c')!;
    assert.ok(Math.abs(b.y - c.y) >= NODE_HEIGHT + NODE_SPACING, 'b and c are a node and a gap apart');
    assert.deepEqual(overlapping(layout), []);
    assert.equal(Math.min(...[...layout.positions.values()].map((p) => p.y)), 0, 'the drawing starts at 0');
  });

  it('pulls a source next to its only dependent rather than into the first layer', () => {
    const layout = computeLayout(graph('a', 'b<a', 'c<b,late', 'late'));
    assert.equal(layout.positions.get('late')?.x, layout.positions.get('b')?.x);
  });

  it('lines up a chain and puts a task between its dependencies', () => {
    const chain = computeLayout(graph('a', 'b<a', 'c<b'));
    assert.deepEqual(new Set([...chain.positions.values()].map((p) => p.y)), new Set([0]));
    const join = computeLayout(graph('top', 'bottom', 'both<top,bottom'));
    const [top, bottom] = [join.positions.get('top')!.y, join.positions.get('bottom')!.y].sort((p, q) => p - q);
    const both = join.positions.get('both')!.y;
    assert.ok(top! <= both && both <= bottom!, 'between its dependencies');
  });

  it('untangles crossings that the input order would make', () => {
    // In input order c→x crosses b→y; moving c next to a (or b below) untangles them.
    const layout = computeLayout(graph('a', 'b', 'c', 'x<a,c', 'y<b'));
    const y = (id: string) => layout.positions.get(id)!.y;
    assert.ok(y('b') > Math.max(y('a'), y('c')) || y('b') < Math.min(y('a'), y('c')), 'b is not between a and c');
  });

  it('keeps the input order when nothing else decides', () => {
    const ids = ['n4', '12', '__proto__', 'constructor', 'x'];
    const layout = computeLayout(graph(...ids), 'DOWN');
    const step = NODE_WIDTH + NODE_SPACING;
    assert.deepEqual(
      ids.map((id) => layout.positions.get(id)?.x),
      [0, step, 2 * step, 3 * step, 4 * step],
    );
    assert.deepEqual([layout.width, layout.height], [5 * NODE_WIDTH + 4 * NODE_SPACING, NODE_HEIGHT]);
  });

  it('routes an edge that skips a layer beside the nodes of that layer', () => {
    const layout = computeLayout(graph('a', 'b<a', 'c<b,a'));
    assert.deepEqual([...layout.bends.keys()], [bendKey('a', 'c')]);
    const [entry, exit, ...more] = layout.bends.get(bendKey('a', 'c'))!;
    assert.deepEqual(more, [], 'one layer crossed: one entry and one exit');
    const b = layout.positions.get('b')!;
    assert.deepEqual([entry!.x, exit!.x], [b.x, b.x + NODE_WIDTH], 'straight across the layer of b');
    assert.equal(entry!.y, exit!.y);
    assert.ok(entry!.y <= b.y - NODE_SPACING / 2 || entry!.y >= b.y + NODE_HEIGHT + NODE_SPACING / 2, 'clear of b');
  });

  it('survives cycles, self-loops, duplicates and unknown dependencies', () => {
    const layout = computeLayout(graph('a<c,a,ghost', 'b<a,a', 'c<b'));
    assert.equal(layout.positions.size, 3);
    assert.deepEqual(overlapping(layout), []);
    for (const position of layout.positions.values()) assert.ok(Number.isFinite(position.x + position.y));
    const empty = computeLayout([]);
    assert.deepEqual(
      [empty.positions.size, empty.bends.size, empty.width, empty.height],
      [0, 0, 0, 0],
      'an empty graph lays out to nothing',
    );
  });

  it('lays out the same graph the same way every time', () => {
    const tasks = generateTasks(120);
    const first = computeLayout(tasks);
    const second = computeLayout(tasks.map((task) => ({ ...task, status: 'running' as const })));
    assert.deepEqual(second.positions, first.positions);
    assert.deepEqual(second.bends, first.bends);
    assert.deepEqual([second.width, second.height], [first.width, first.height]);
  });

  it('lays out 300 tasks without overlaps, every edge pointing down when asked, inside its size', () => {
    const tasks = generateTasks(300);
    const layout = computeLayout(tasks, 'DOWN');
    assert.deepEqual(overlapping(layout), []);
    for (const task of tasks) {
      for (const dependency of task.dependsOn) {
        assert.ok(layout.positions.get(dependency)!.y + NODE_HEIGHT <= layout.positions.get(task.id)!.y);
      }
    }
    const xs = [...layout.positions.values()].map((p) => p.x);
    const ys = [...layout.positions.values()].map((p) => p.y);
    assert.deepEqual([Math.min(...xs), Math.min(...ys)], [0, 0]);
    assert.equal(Math.max(...xs) + NODE_WIDTH, layout.width);
    assert.equal(Math.max(...ys) + NODE_HEIGHT, layout.height);
    assert.ok(layout.bends.size > 20, `${layout.bends.size} edges span layers`);
    const placed = [...layout.positions.values()];
    for (const [key, points] of layout.bends) {
      assert.equal(points.length % 2, 0, `${key}: an entry and an exit per layer`);
      for (let at = 0; at < points.length; at += 2) {
        const [entry, exit] = [points[at]!, points[at + 1]!];
        assert.deepEqual([exit.x, exit.y - entry.y], [entry.x, NODE_HEIGHT], `${key}: straight across a layer`);
        const inTheWay = placed.filter(
          (p) => p.y === entry.y && p.x - NODE_SPACING / 2 < entry.x && entry.x < p.x + NODE_WIDTH + NODE_SPACING / 2,
        );
        assert.deepEqual(inTheWay, [], `${key}: clear of the nodes of the layers it crosses`);
      }
    }
  });
});
