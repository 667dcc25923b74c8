import { strict as assert } from 'node:assert';
import { Graph, layout as dagreLayout, type EdgeLabel, type GraphLabel, type NodeLabel } from '@dagrejs/dagre';
import { countCrossings, orderLayers } from '../../webview-ui/src/graph/crossingOrder';
import { generateTasks } from './fixtures';

type LayerGraph = Graph<GraphLabel, NodeLabel, EdgeLabel>;

/** Two layers, `top` nodes 0… and `bottom` nodes after them, with edges [top index, bottom index]. */
function bilayer(top: number, bottom: number, edges: readonly (readonly [number, number])[]) {
  const layers = [Array.from({ length: top }, (_, at) => at), Array.from({ length: bottom }, (_, at) => top + at)];
  const position = new Int32Array(top + bottom);
  layers.forEach((layer) => layer.forEach((node, at) => (position[node] = at)));
  const successors: number[][] = Array.from({ length: top + bottom }, () => []);
  for (const [from, to] of edges) successors[from]!.push(top + to);
  return { layers, position, successors };
}

/** Every pair of edges whose ends are in opposite orders crosses. */
function crossingsByPairs(edges: readonly (readonly [number, number])[]): number {
  let crossings = 0;
  for (let a = 0; a < edges.length; a++) {
    for (let b = a + 1; b < edges.length; b++) {
      const [topA, bottomA] = edges[a]!;
      const [topB, bottomB] = edges[b]!;
      if ((topA - topB) * (bottomA - bottomB) < 0) crossings += 1;
    }
  }
  return crossings;
}

/** A dagre graph of `tasks`, laid out with the webview's ranker. */
function dagreGraphOf(tasks: ReturnType<typeof generateTasks>): LayerGraph {
  const graph: LayerGraph = new Graph();
  graph.setGraph({ ranker: 'tight-tree', rankdir: 'LR' });
  for (const task of tasks) graph.setNode(task.id, { width: 240, height: 84 });
  for (const task of tasks) for (const dependency of task.dependsOn) graph.setEdge(dependency, task.id, {});
  return graph;
}

/** dagre's layer graph for `tasks` as its crossing reduction sees it, and the crossings left there. */
function crossingsLeft(tasks: ReturnType<typeof generateTasks>, order: 'dagre' | 'takoss'): number {
  let crossings = -1;
  dagreLayout(dagreGraphOf(tasks), {
    customOrder: (layerGraph, dagreOrder) => {
      if (order === 'takoss') orderLayers(layerGraph, dagreOrder);
      else dagreOrder(layerGraph);
      const names = layerGraph.nodes();
      const index = new Map(names.map((name, at) => [name, at]));
      const layers: number[][] = [];
      const position = new Int32Array(names.length);
      names.forEach((name, at) => {
        const { rank = 0, order: place = 0 } = layerGraph.node(name);
        (layers[rank] ??= []).push(at);
        position[at] = place;
      });
      for (const layer of layers) layer.sort((a, b) => position[a]! - position[b]!);
      const successors: number[][] = names.map(() => []);
      for (const edge of layerGraph.edges()) successors[index.get(edge.v)!]!.push(index.get(edge.w)!);
      crossings = countCrossings(layers, position, successors);
    },
  });
  return crossings;
}

describe('webview layout: the order within each layer', () => {
  it('counts the crossings between two layers', () => {
    const { layers, position, successors } = bilayer(2, 2, [
      [0, 1],
      [1, 0],
    ]);
    assert.equal(countCrossings(layers, position, successors), 1);
    const parallel = bilayer(2, 2, [
      [0, 0],
      [1, 1],
    ]);
    assert.equal(countCrossings(parallel.layers, parallel.position, parallel.successors), 0);
  });

  it('counts as many crossings as comparing every pair of edges', () => {
    let state = 7;
    const random = (below: number) => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return Math.floor((state / 2147483648) * below);
    };
    for (let trial = 0; trial < 50; trial++) {
      const top = 1 + random(9);
      const bottom = 1 + random(9);
      const edges = Array.from({ length: random(25) }, () => [random(top), random(bottom)] as const);
      const { layers, position, successors } = bilayer(top, bottom, edges);
      assert.equal(countCrossings(layers, position, successors), crossingsByPairs(edges), `trial ${trial}`);
    }
  });

  it('leaves fewer crossings than dagre’s own order on generated plans', () => {
    let ours = 0;
    let dagres = 0;
    for (const [count, seed] of [
      [40, 1],
      [40, 2],
      [120, 3],
      [120, 4],
      [300, 5],
    ] as const) {
      const tasks = generateTasks(count, seed);
      ours += crossingsLeft(tasks, 'takoss');
      dagres += crossingsLeft(tasks, 'dagre');
    }
    assert.ok(dagres > 0, 'the plans have crossings to remove');
    // Deterministic: 0.70 when measured. Keeping the last sweep's order instead of the best, or a
    // sweep that misses a layer, leaves 0.72–0.81.
    assert.ok(ours <= 0.71 * dagres, `crossings left: ${ours} by Takoss's order against ${dagres} by dagre's`);
  });

  it('gives every node of a layer its own place, from 0', () => {
    let places: Map<number, number[]> | undefined;
    let handedOver = 0;
    dagreLayout(dagreGraphOf(generateTasks(60, 9)), {
      customOrder: (layerGraph) => {
        orderLayers(layerGraph, () => (handedOver += 1));
        places = new Map();
        for (const name of layerGraph.nodes()) {
          const { rank, order } = layerGraph.node(name);
          places.set(rank!, [...(places.get(rank!) ?? []), order!]);
        }
      },
    });
    assert.equal(handedOver, 0, 'ordered by Takoss, not handed to dagre');
    assert.ok(places && places.size > 5);
    for (const [rank, orders] of places) {
      assert.deepEqual(
        [...orders].sort((a, b) => a - b),
        orders.map((_, at) => at),
        `layer ${rank}`,
      );
    }
  });

  it('orders a layer graph of 130,000 nodes (a 200-task plan with many long edges has as many)', () => {
    const graph: LayerGraph = new Graph();
    graph.setGraph({});
    for (let at = 0; at < 130_000; at++) graph.setNode(`n${at}`, { width: 1, height: 1, rank: at % 2 });
    orderLayers(graph, () => assert.fail('handed to dagre'));
    assert.equal(graph.node('n129999').order, 64_999);
  });

  it('hands a graph with subgraphs to dagre’s own order', () => {
    const graph: LayerGraph = new Graph({ compound: true });
    graph.setGraph({});
    graph.setNode('group', { width: 1, height: 1, rank: 0 });
    graph.setNode('a', { width: 1, height: 1, rank: 0 });
    graph.setNode('b', { width: 1, height: 1, rank: 1 });
    graph.setParent('a', 'group');
    graph.setEdge('a', 'b', {});
    let handedOver = 0;
    orderLayers(graph, () => (handedOver += 1));
    assert.equal(handedOver, 1);
    assert.equal(graph.node('a').order, undefined);
  });
});
