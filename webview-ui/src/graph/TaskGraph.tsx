import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Background, Controls, getViewportForBounds, MiniMap, ReactFlow, type NodeTypes } from '@xyflow/react';
import type { TaskSnapshot } from '../protocol';
import { TASK_STATUS_APPEARANCE } from '../status';
import { EdgeLayer } from './EdgeLayer';
import {
  buildEdgePaths,
  buildNodes,
  LayoutCache,
  type EdgePaths,
  type GraphLayout,
  type LayoutDirection,
  type TaskFlowNode,
} from './layout';
import { FIT_VIEW_OPTIONS, KeepInView, useUserMoved } from './KeepInView';
import { TaskNode } from './TaskNode';

const nodeTypes: NodeTypes = { task: TaskNode };
const MIN_ZOOM = 0.05;

const NO_EDGES: EdgePaths = {
  count: 0,
  lines: { pending: '', done: '', running: '' },
  arrows: { pending: '', done: '', running: '' },
};

const minimapColor = (node: TaskFlowNode): string => TASK_STATUS_APPEARANCE[node.data.task.status].color;

export interface TaskGraphProps {
  readonly tasks: readonly TaskSnapshot[];
  readonly selectedTaskId: string | undefined;
  readonly onSelect: (taskId: string) => void;
  readonly direction?: LayoutDirection;
  /** The page's layouts (kept in VS Code's state, see savedLayout.ts); one per graph when not given (tests count its runs). */
  readonly layoutCache?: LayoutCache;
}

/**
 * The chain's tasks as a pannable, zoomable graph, laid out in layers by dagre (see `computeLayout`).
 * The layout runs while rendering, synchronously, and only when the graph's shape changes: a
 * snapshot that changes statuses reuses it and rebuilds just the nodes and edges that look different.
 */
export function TaskGraph({ tasks, selectedTaskId, onSelect, direction = 'RIGHT', layoutCache }: TaskGraphProps) {
  const cache = useMemo(() => layoutCache ?? new LayoutCache(), [layoutCache]);
  // Same shape → the cache hands back the same layout object, so the nodes below keep theirs.
  const laidOut = useMemo((): { layout?: GraphLayout; error?: string } => {
    try {
      return { layout: cache.layout(tasks, direction) };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  }, [cache, tasks, direction]);
  const { layout, error: layoutError } = laidOut;
  // Kept for the panel's next page once this one is drawn (VS Code copies the state to the host).
  useEffect(() => {
    if (layout) cache.save(layout);
  }, [cache, layout]);

  const { touched, onMoveStart, onMoveEnd } = useUserMoved();
  const previousNodes = useRef<ReadonlyMap<string, TaskFlowNode>>(new Map());
  const nodes = useMemo(
    () => (layout ? buildNodes(tasks, layout, selectedTaskId, onSelect, previousNodes.current) : []),
    [tasks, layout, selectedTaskId, onSelect],
  );
  useEffect(() => {
    previousNodes.current = new Map(nodes.map((node) => [node.id, node]));
  }, [nodes]);
  // Edges depend only on the layout and the statuses; most snapshots change neither.
  const statuses = tasks.map((task) => task.status).join(',');
  const edgePaths = useMemo(() => (layout ? buildEdgePaths(tasks, layout) : NO_EDGES), [layout, statuses]);

  // The pane's size before React Flow mounts: given it (and the same fit as its starting viewport),
  // React Flow fits the graph in its very first frame instead of drawing it at 100 % and fitting
  // it a few hundred milliseconds later.
  const pane = useRef<HTMLDivElement>(null);
  const [paneSize, setPaneSize] = useState<{ width: number; height: number } | undefined>();
  const shown = tasks.length > 0 && !layoutError;
  useLayoutEffect(() => {
    if (shown && !paneSize && pane.current) {
      setPaneSize({ width: pane.current.clientWidth, height: pane.current.clientHeight });
    }
  }, [shown, paneSize]);
  const fitted = useMemo(
    () =>
      paneSize && paneSize.width > 0 && paneSize.height > 0 && layout
        ? getViewportForBounds(
            { x: 0, y: 0, width: layout.width, height: layout.height },
            paneSize.width,
            paneSize.height,
            MIN_ZOOM,
            FIT_VIEW_OPTIONS.maxZoom,
            FIT_VIEW_OPTIONS.padding,
          )
        : undefined,
    [paneSize, layout],
  );
  // Once the graph has been painted: the overview (300 more elements, a second frame's work), and
  // the zoom limit, which the first fit honours instead of the fit options' (held at theirs till then).
  const [painted, setPainted] = useState(false);
  useEffect(() => {
    if (!paneSize) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => (timer = setTimeout(() => setPainted(true))));
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [paneSize]);

  if (tasks.length === 0) return <p className="graph-message">No tasks yet: the request is being planned…</p>;
  if (layoutError) return <p className="graph-message error">Could not lay out the graph: {layoutError}</p>;

  return (
    <div className="task-graph" ref={pane}>
      {paneSize && (
        <ReactFlow<TaskFlowNode>
          nodes={nodes}
          nodeTypes={nodeTypes}
          width={paneSize.width || undefined}
          height={paneSize.height || undefined}
          fitView
          defaultViewport={fitted}
          fitViewOptions={FIT_VIEW_OPTIONS}
          onMoveStart={onMoveStart}
          onMoveEnd={onMoveEnd}
          minZoom={MIN_ZOOM}
          maxZoom={painted ? 2 : FIT_VIEW_OPTIONS.maxZoom}
          nodesDraggable={false}
          nodesConnectable={false}
          nodesFocusable={false}
          elementsSelectable={false}
          zoomOnDoubleClick={false}
          // The first render shows the whole graph, so culling would skip nothing then (measured: no
          // faster) and cost work on every pan after; zoomed out, nodes are light boxes (TaskNode).
          onlyRenderVisibleElements={false}
        >
          <Background gap={24} size={1} />
          <EdgeLayer paths={edgePaths} />
          <Controls showInteractive={false} />
          {painted && (
            <MiniMap<TaskFlowNode> nodeColor={minimapColor} pannable zoomable ariaLabel="Task graph overview" />
          )}
          <KeepInView touched={touched} selected={nodes.find((node) => node.id === selectedTaskId)} />
        </ReactFlow>
      )}
    </div>
  );
}
