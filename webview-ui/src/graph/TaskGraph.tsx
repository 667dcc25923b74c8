import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Background, MiniMap, ReactFlow, type NodeTypes, type OnMove } from '@xyflow/react';
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
import { FitControls } from './FitControls';
import { fittedViewport, KeepInView, MAX_ZOOM, MIN_ZOOM, useUserMoved } from './KeepInView';
import { isLargeGraph, isZoomedOut } from './levelOfDetail';
import { TaskBoxes } from './TaskBoxes';
import { TaskNode } from './TaskNode';
import { useKeepTaskFocus } from './useKeepTaskFocus';

const nodeTypes: NodeTypes = { task: TaskNode };
const NO_NODES: TaskFlowNode[] = [];

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
        ? fittedViewport(layout, paneSize.width, paneSize.height)
        : undefined,
    [paneSize, layout],
  );
  // Level of detail: a large graph zoomed out past reading is drawn as light boxes (TaskBoxes), and
  // React Flow is given no nodes then. The zoom is followed as a boolean, so only crossing
  // DETAIL_ZOOM renders the graph again, not every frame of a pan or zoom; keyboard focus stays on
  // its task when the boxes and the nodes trade places.
  const [zoomedOut, setZoomedOut] = useState<boolean | undefined>();
  const onMove = useCallback<OnMove>((_event, viewport) => setZoomedOut(isZoomedOut(viewport.zoom)), []);
  const large = isLargeGraph(tasks.length);
  const drawsBoxes = large && (zoomedOut ?? isZoomedOut(fitted?.zoom ?? 0));
  const onFocus = useKeepTaskFocus(pane, drawsBoxes);
  // React Flow's nodes, only when it draws them (not while the boxes do).
  const previousNodes = useRef<ReadonlyMap<string, TaskFlowNode>>(new Map());
  const nodes = useMemo(
    () =>
      layout && !drawsBoxes ? buildNodes(tasks, layout, selectedTaskId, onSelect, previousNodes.current) : NO_NODES,
    [tasks, layout, drawsBoxes, selectedTaskId, onSelect],
  );
  useEffect(() => {
    previousNodes.current = new Map(nodes.map((node) => [node.id, node]));
  }, [nodes]);
  // The minimap (as many elements again as the graph) waits until the graph has been painted.
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
    <div className="task-graph" ref={pane} onFocus={onFocus}>
      {paneSize && layout && (
        <ReactFlow<TaskFlowNode>
          nodes={nodes}
          nodeTypes={nodeTypes}
          width={paneSize.width || undefined}
          height={paneSize.height || undefined}
          defaultViewport={fitted}
          onMoveStart={onMoveStart}
          onMove={onMove}
          onMoveEnd={onMoveEnd}
          minZoom={MIN_ZOOM}
          maxZoom={MAX_ZOOM}
          nodesDraggable={false}
          nodesConnectable={false}
          nodesFocusable={false}
          elementsSelectable={false}
          zoomOnDoubleClick={false}
          // Every task stays in the page, on screen or not: Tab walks them all (and brings the one
          // it reaches into view), and a screen reader finds them all.
          onlyRenderVisibleElements={false}
        >
          <Background gap={24} size={1} />
          <EdgeLayer paths={edgePaths} />
          {drawsBoxes && (
            <TaskBoxes tasks={tasks} layout={layout} selectedTaskId={selectedTaskId} onSelect={onSelect} />
          )}
          <FitControls graph={layout} />
          {/*
            Drawn from React Flow's nodes, so only with them: zoomed out on a large graph, the boxes
            are the overview. Zooming from it would hide it mid-gesture there, so it only pans.
          */}
          {painted && !drawsBoxes && (
            <MiniMap<TaskFlowNode>
              nodeColor={minimapColor}
              pannable
              zoomable={!large}
              ariaLabel="Task graph overview"
            />
          )}
          <KeepInView
            touched={touched}
            graph={layout}
            selectedId={selectedTaskId}
            selectedPosition={selectedTaskId === undefined ? undefined : layout.positions.get(selectedTaskId)}
          />
        </ReactFlow>
      )}
    </div>
  );
}
