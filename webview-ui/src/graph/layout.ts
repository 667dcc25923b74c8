import { Graph, layout as dagreLayout, type EdgeLabel, type GraphLabel, type NodeLabel } from '@dagrejs/dagre';
import type { Node, NodeHandle, XYPosition } from '@xyflow/react';
import type { TaskSnapshot } from '../protocol';
import { orderLayers } from './crossingOrder';
import { restoreLayout, saveLayout, type LayoutStore } from './savedLayout';

export const NODE_WIDTH = 240;
export const NODE_HEIGHT = 84;
const NODE_SIZE = { width: NODE_WIDTH, height: NODE_HEIGHT } as const;

export type LayoutDirection = 'RIGHT' | 'DOWN';

export interface TaskNodeData extends Record<string, unknown> {
  readonly task: TaskSnapshot;
  readonly onSelect: (taskId: string) => void;
}

export type TaskFlowNode = Node<TaskNodeData, 'task'>;

export interface GraphLayout {
  /** The `layoutKey` of the tasks this layout was computed for. */
  readonly key: string;
  readonly direction: LayoutDirection;
  /** Top-left corner of each task's node. */
  readonly positions: ReadonlyMap<string, XYPosition>;
  /**
   * For each edge spanning more than one layer (`bendKey`), where it crosses the layers between its
   * ends: an entry and an exit point per layer, on the room dagre kept for it beside that layer's
   * nodes, so a drawing through them passes between the nodes. (Not for an edge dagre turned
   * around to break a cycle: it is drawn straight back.)
   */
  readonly bends: ReadonlyMap<string, readonly XYPosition[]>;
  /** The drawing's size; it starts at (0, 0). */
  readonly width: number;
  readonly height: number;
}

/** Identifies the graph's shape: only ids and dependencies, never statuses (JSON: no two shapes share a key). */
export function layoutKey(tasks: readonly TaskSnapshot[]): string {
  return JSON.stringify(tasks.map((task) => [task.id, task.dependsOn]));
}

/** Dependency → dependent pairs, leaving out dependencies on tasks that are not in the graph. */
function dependencyPairs(tasks: readonly TaskSnapshot[]): { source: string; target: string }[] {
  const ids = new Set(tasks.map((task) => task.id));
  const pairs: { source: string; target: string }[] = [];
  for (const task of tasks) {
    for (const dependency of new Set(task.dependsOn)) {
      if (ids.has(dependency) && dependency !== task.id) {
        pairs.push({ source: dependency, target: task.id });
      }
    }
  }
  return pairs;
}

/** Between two tasks of a layer, and between two layers (what ELK was given before). */
export const NODE_SPACING = 28;
export const LAYER_SPACING = 72;
/**
 * Between two edges passing through a layer; dagre keeps (NODE_SPACING + EDGE_SPACING) / 2 between
 * such an edge and a node.
 */
const EDGE_SPACING = 10;

/** The centre of the node whose top-left corner is `position`. */
export const nodeCentre = (position: XYPosition): XYPosition => ({
  x: position.x + NODE_WIDTH / 2,
  y: position.y + NODE_HEIGHT / 2,
});

/** The key of an edge in `GraphLayout.bends`. */
export const bendKey = (source: string, target: string): string => `${source}\u0000${target}`;

/**
 * dagre's layered layout (Sugiyama: cycles broken, layers, crossing reduction, Brandes–Köpf
 * coordinates). Layers come from its `tight-tree` ranker: about half the time of its default
 * network simplex on the 300-task benchmark graph (whose own cost grows fastest with the graph),
 * for edges about 15 % longer in total; the longest-path ranker is no faster there and doubles
 * their length (more dummy nodes for the later stages). The crossing reduction is ours, through
 * dagre's `customOrder` hook (see crossingOrder.ts): dagre's own was two-fifths of its time in Node,
 * and skipping it (`disableOptimalOrderHeuristic`) gives 5–50 % more crossings.
 */
const DAGRE_GRAPH: GraphLabel = {
  ranker: 'tight-tree',
  nodesep: NODE_SPACING,
  ranksep: LAYER_SPACING,
  edgesep: EDGE_SPACING,
};

/** Lays the graph out once (dagre, synchronous); prefer `LayoutCache.layout`, which skips unchanged graphs. */
export function computeLayout(tasks: readonly TaskSnapshot[], direction: LayoutDirection = 'RIGHT'): GraphLayout {
  const horizontal = direction === 'RIGHT';
  // dagre keys its nodes by object property: it gets "n0", "n1"… in the snapshot's order (the order
  // it keeps where nothing else decides) rather than task ids, which could be "__proto__" or "12".
  const names = new Map<string, string>();
  for (const task of tasks) if (!names.has(task.id)) names.set(task.id, `n${names.size}`);
  const key = layoutKey(tasks);
  if (names.size === 0) return { key, direction, positions: new Map(), bends: new Map(), width: 0, height: 0 };

  const graph = new Graph<GraphLabel, NodeLabel, EdgeLabel>();
  graph.setGraph({ ...DAGRE_GRAPH, rankdir: horizontal ? 'LR' : 'TB' });
  for (const name of names.values()) graph.setNode(name, { width: NODE_WIDTH, height: NODE_HEIGHT });
  const pairs = dependencyPairs(tasks);
  for (const { source, target } of pairs) graph.setEdge(names.get(source)!, names.get(target)!, {});
  dagreLayout(graph, { customOrder: orderLayers });

  // dagre gives centres, and the drawing starts at (0, 0) already.
  const centre = (name: string): XYPosition => {
    const node = graph.node(name);
    return { x: node.x ?? 0, y: node.y ?? 0 };
  };
  const along = (point: XYPosition) => (horizontal ? point.x : point.y);
  const positions = new Map<string, XYPosition>();
  const layerCentres = new Set<number>();
  for (const [id, name] of names) {
    const { x, y } = centre(name);
    positions.set(id, { x: x - NODE_WIDTH / 2, y: y - NODE_HEIGHT / 2 });
    layerCentres.add(along({ x, y }));
  }
  const bends = new Map<string, XYPosition[]>();
  const depth = (horizontal ? NODE_WIDTH : NODE_HEIGHT) / 2;
  for (const { source, target } of pairs) {
    const from = names.get(source)!;
    const to = names.get(target)!;
    if (along(centre(to)) <= along(centre(from))) continue;
    // dagre's points: where it leaves and enters the nodes, then one per gap between layers and one
    // per layer it crosses (on that layer's centre line); only the latter bend it (buildEdgePaths).
    const points: XYPosition[] = [];
    for (const point of graph.edge(from, to).points?.slice(1, -1) ?? []) {
      if (!layerCentres.has(along(point))) continue;
      for (const offset of [-depth, depth]) {
        points.push(horizontal ? { x: point.x + offset, y: point.y } : { x: point.x, y: point.y + offset });
      }
    }
    if (points.length > 0) bends.set(bendKey(source, target), points);
  }
  const { width = 0, height = 0 } = graph.graph();
  return { key, direction, positions, bends, width, height };
}

/**
 * What a saved layout was computed with: one laid out with other sizes, spacing, ranker or
 * ordering is not reused (see savedLayout.ts).
 */
const LAYOUT_SETTINGS = JSON.stringify([NODE_WIDTH, NODE_HEIGHT, DAGRE_GRAPH, 'barycentre order']);

/**
 * Remembers the last layout so snapshots that only change statuses, usage or output reuse it
 * (the same object, so React and React Flow skip the nodes): only a new shape lays out again.
 * Given a store, it starts from the layout an earlier page of the same panel saved there, and
 * `save` keeps the newest one there (TaskGraph calls it after painting, not while rendering).
 * Each layout it runs is a `takoss:layout` entry of the page's User Timing (benchmark, devtools).
 */
export class LayoutCache {
  private last: GraphLayout | undefined;
  /** The layout the store holds (saved, or restored from it). */
  private stored: GraphLayout | undefined;
  /** How many times the layout actually ran (tests and diagnostics). */
  runs = 0;

  constructor(private readonly store?: LayoutStore) {}

  layout(tasks: readonly TaskSnapshot[], direction: LayoutDirection = 'RIGHT'): GraphLayout {
    const key = layoutKey(tasks);
    if (this.last && this.last.key === key && this.last.direction === direction) return this.last;
    const restored = this.restore(tasks, key, direction);
    if (restored) return (this.last = this.stored = restored);
    this.runs += 1;
    const started = performance.now();
    const layout = computeLayout(tasks, direction);
    performance.measure('takoss:layout', { start: started, detail: { tasks: tasks.length } });
    this.last = layout;
    return layout;
  }

  /** Keeps `layout` in the store for the panel's next page, unless it holds it already. */
  save(layout: GraphLayout): void {
    if (!this.store || layout === this.stored) return;
    this.store.save(saveLayout(layout, LAYOUT_SETTINGS));
    this.stored = layout;
  }

  /** The saved layout, if it is this graph's, laid out with today's settings, and places every task. */
  private restore(tasks: readonly TaskSnapshot[], key: string, direction: LayoutDirection): GraphLayout | undefined {
    if (!this.store) return undefined;
    const restored = restoreLayout(this.store.load(), { key, direction, settings: LAYOUT_SETTINGS });
    return restored && tasks.every((task) => restored.positions.has(task.id)) ? restored : undefined;
  }
}

/**
 * TaskNode has no handles (EdgeLayer draws the edges), and saying so spares React Flow measuring
 * every node in the DOM to find them.
 */
const NO_HANDLES: NodeHandle[] = [];

/** Whether a node would look the same for both versions of a task (see TaskNode, TaskBoxes and the minimap). */
export function looksTheSame(a: TaskSnapshot, b: TaskSnapshot): boolean {
  return (
    a.title === b.title &&
    a.status === b.status &&
    a.attempts === b.attempts &&
    a.usage?.costUsd === b.usage?.costUsd &&
    a.kind === b.kind &&
    a.verify?.outcome === b.verify?.outcome &&
    a.verify?.step === b.verify?.step &&
    a.verify?.summary === b.verify?.summary
  );
}

/**
 * Cheap: rebuilt on every snapshot from the cached positions. Tasks not laid out yet are left out.
 * Given the previous nodes, keeps the node object of every task that looks the same, so React Flow
 * and React skip it: a snapshot usually changes one or two of hundreds of tasks.
 */
export function buildNodes(
  tasks: readonly TaskSnapshot[],
  layout: GraphLayout,
  selectedTaskId: string | undefined,
  onSelect: (taskId: string) => void,
  previous?: ReadonlyMap<string, TaskFlowNode>,
): TaskFlowNode[] {
  const nodes: TaskFlowNode[] = [];
  for (const task of tasks) {
    const position = layout.positions.get(task.id);
    if (!position) continue;
    const selected = task.id === selectedTaskId;
    const old = previous?.get(task.id);
    if (
      old &&
      old.position === position &&
      old.selected === selected &&
      old.data.onSelect === onSelect &&
      looksTheSame(old.data.task, task)
    ) {
      nodes.push(old);
      continue;
    }
    nodes.push({
      id: task.id,
      type: 'task',
      position,
      // Explicit size, already "measured" (styles.css sizes a node from these): React Flow can place
      // the nodes without measuring the DOM, and measuring them changes nothing.
      width: NODE_WIDTH,
      height: NODE_HEIGHT,
      measured: NODE_SIZE,
      selected,
      // Also set on <ReactFlow>, but only after its first render: set here, the nodes render once.
      selectable: false,
      connectable: false,
      draggable: false,
      focusable: false,
      handles: NO_HANDLES,
      data: { task, onSelect },
    });
  }
  return nodes;
}

/** How an edge looks: into a running task (animated), from a succeeded one, or neither. */
export type EdgeLook = 'pending' | 'done' | 'running';
export const EDGE_LOOKS: readonly EdgeLook[] = ['pending', 'done', 'running'];

export interface EdgePaths {
  readonly count: number;
  /** Per look, all its edges as one SVG path: their curves, and their arrowheads. */
  readonly lines: Readonly<Record<EdgeLook, string>>;
  readonly arrows: Readonly<Record<EdgeLook, string>>;
}

const ARROW_LENGTH = 7;
const ARROW_HALF_WIDTH = 4;

const round = (value: number) => Math.round(value * 10) / 10;

/**
 * An SVG path from a node's side through the layers an edge crosses to the next node's side:
 * curves between layers (leaving and arriving along the layout's direction, like React Flow's
 * bezier edges), straight through the room kept for it inside a layer.
 */
function curveThrough(points: readonly XYPosition[], horizontal: boolean): string {
  const [start] = points;
  let path = start ? `M${round(start.x)},${round(start.y)}` : '';
  for (let at = 1; at < points.length; at++) {
    const { x: x0, y: y0 } = points[at - 1]!;
    const x = round(points[at]!.x);
    const y = round(points[at]!.y);
    if (at % 2 === 0) {
      path += `L${x},${y}`;
    } else if (horizontal) {
      const middle = round((x0 + x) / 2);
      path += `C${middle},${round(y0)} ${middle},${y} ${x},${y}`;
    } else {
      const middle = round((y0 + y) / 2);
      path += `C${round(x0)},${middle} ${x},${middle} ${x},${y}`;
    }
  }
  return path;
}

/**
 * The dependency edges, drawn from the dependency's side to the dependent's (through the room the
 * layout kept for them, when they span layers), as a handful of SVG paths (see EdgeLayer) rather
 * than hundreds of React Flow edges: cheap to build and to draw.
 */
export function buildEdgePaths(tasks: readonly TaskSnapshot[], layout: GraphLayout): EdgePaths {
  const status = new Map(tasks.map((task) => [task.id, task.status]));
  const horizontal = layout.direction === 'RIGHT';
  const lines: Record<EdgeLook, string[]> = { pending: [], done: [], running: [] };
  const arrows: Record<EdgeLook, string[]> = { pending: [], done: [], running: [] };
  let count = 0;
  for (const { source, target } of dependencyPairs(tasks)) {
    const from = layout.positions.get(source);
    const to = layout.positions.get(target);
    if (!from || !to) continue;
    // The dependent is working with what this dependency produced. Into a task that was not
    // needed nothing flowed, so that edge stays pending even from a succeeded (passed) verify.
    const into = status.get(target);
    const look: EdgeLook =
      into === 'running' ? 'running' : into !== 'unneeded' && status.get(source) === 'succeeded' ? 'done' : 'pending';
    const tipX = round(horizontal ? to.x : to.x + NODE_WIDTH / 2);
    const tipY = round(horizontal ? to.y + NODE_HEIGHT / 2 : to.y);
    lines[look].push(
      curveThrough(
        [
          horizontal
            ? { x: from.x + NODE_WIDTH, y: from.y + NODE_HEIGHT / 2 }
            : { x: from.x + NODE_WIDTH / 2, y: from.y + NODE_HEIGHT },
          ...(layout.bends.get(bendKey(source, target)) ?? []),
          horizontal ? { x: tipX - ARROW_LENGTH, y: tipY } : { x: tipX, y: tipY - ARROW_LENGTH },
        ],
        horizontal,
      ),
    );
    arrows[look].push(
      horizontal
        ? `M${tipX},${tipY}L${tipX - ARROW_LENGTH},${tipY - ARROW_HALF_WIDTH}L${tipX - ARROW_LENGTH},${tipY + ARROW_HALF_WIDTH}Z`
        : `M${tipX},${tipY}L${tipX - ARROW_HALF_WIDTH},${tipY - ARROW_LENGTH}L${tipX + ARROW_HALF_WIDTH},${tipY - ARROW_LENGTH}Z`,
    );
    count += 1;
  }
  const join = (paths: Record<EdgeLook, string[]>) =>
    ({ pending: paths.pending.join(''), done: paths.done.join(''), running: paths.running.join('') }) as const;
  return { count, lines: join(lines), arrows: join(arrows) };
}
