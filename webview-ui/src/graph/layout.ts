import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkNode } from 'elkjs/lib/elk-api';
import { MarkerType, Position, type Edge, type Node, type XYPosition } from '@xyflow/react';
import type { TaskSnapshot } from '../protocol';

export const NODE_WIDTH = 240;
export const NODE_HEIGHT = 84;

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
}

/** Identifies the graph's shape: only ids and dependencies, never statuses. */
export function layoutKey(tasks: readonly TaskSnapshot[]): string {
  return tasks.map((task) => `${task.id}<${task.dependsOn.join(',')}`).join('|');
}

/** Dependency → dependent pairs, leaving out dependencies on tasks that are not in the graph. */
function dependencyPairs(tasks: readonly TaskSnapshot[]): { source: string; target: string; id: string }[] {
  const ids = new Set(tasks.map((task) => task.id));
  const pairs: { source: string; target: string; id: string }[] = [];
  for (const task of tasks) {
    for (const dependency of new Set(task.dependsOn)) {
      if (ids.has(dependency) && dependency !== task.id) {
        pairs.push({ source: dependency, target: task.id, id: `${dependency}->${task.id}` });
      }
    }
  }
  return pairs;
}

const elk = new ELK();

/** Runs ELK's layered algorithm once; prefer `LayoutCache.layout`, which skips unchanged graphs. */
export async function computeLayout(
  tasks: readonly TaskSnapshot[],
  direction: LayoutDirection = 'RIGHT',
): Promise<GraphLayout> {
  const graph: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': direction,
      'elk.spacing.nodeNode': '28',
      'elk.layered.spacing.nodeNodeBetweenLayers': '72',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
      // React Flow draws its own edges: the cheapest routing will do.
      'elk.edgeRouting': 'POLYLINE',
      // Fewer crossing-minimisation passes: 300 nodes in a few hundred ms on the UI thread.
      'elk.layered.thoroughness': '4',
      // Keeps the drawing stable when a task is added: ties follow the snapshot's order.
      'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
    },
    children: tasks.map((task) => ({ id: task.id, width: NODE_WIDTH, height: NODE_HEIGHT })),
    edges: dependencyPairs(tasks).map(({ id, source, target }) => ({ id, sources: [source], targets: [target] })),
  };
  const result = await elk.layout(graph);
  const positions = new Map<string, XYPosition>();
  for (const child of result.children ?? []) positions.set(child.id, { x: child.x ?? 0, y: child.y ?? 0 });
  return { key: layoutKey(tasks), direction, positions };
}

/**
 * Remembers the last layout so snapshots that only change statuses, usage or output reuse it:
 * ELK on a few hundred nodes takes long enough to notice, a status update must not.
 */
export class LayoutCache {
  private last: { key: string; direction: LayoutDirection; layout: Promise<GraphLayout> } | undefined;
  /** How many times ELK actually ran (tests and diagnostics). */
  elkRuns = 0;

  layout(tasks: readonly TaskSnapshot[], direction: LayoutDirection = 'RIGHT'): Promise<GraphLayout> {
    const key = layoutKey(tasks);
    if (this.last && this.last.key === key && this.last.direction === direction) return this.last.layout;
    this.elkRuns += 1;
    const layout = computeLayout(tasks, direction);
    const entry = { key, direction, layout };
    this.last = entry;
    // A failed layout must not stick: the next snapshot tries again.
    layout.catch(() => {
      if (this.last === entry) this.last = undefined;
    });
    return layout;
  }
}

/** Whether a node would look the same for both versions of a task (see TaskNode and the minimap). */
function looksTheSame(a: TaskSnapshot, b: TaskSnapshot): boolean {
  return (
    a.title === b.title && a.status === b.status && a.attempts === b.attempts && a.usage?.costUsd === b.usage?.costUsd
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
  const horizontal = layout.direction === 'RIGHT';
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
      // Explicit size: React Flow can place and fit the nodes before (or without) measuring the DOM.
      width: NODE_WIDTH,
      height: NODE_HEIGHT,
      selected,
      sourcePosition: horizontal ? Position.Right : Position.Bottom,
      targetPosition: horizontal ? Position.Left : Position.Top,
      data: { task, onSelect },
    });
  }
  return nodes;
}

export function buildEdges(tasks: readonly TaskSnapshot[]): Edge[] {
  const status = new Map(tasks.map((task) => [task.id, task.status]));
  return dependencyPairs(tasks).map(({ id, source, target }) => ({
    id,
    source,
    target,
    // The dependent is working with what this dependency produced.
    animated: status.get(target) === 'running',
    className: status.get(source) === 'succeeded' ? 'edge-done' : 'edge-pending',
    markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
  }));
}
