import { useEffect, useMemo, useRef, useState } from 'react';
import { Background, Controls, MiniMap, ReactFlow, type NodeTypes } from '@xyflow/react';
import type { TaskSnapshot } from '../protocol';
import { TASK_STATUS_APPEARANCE } from '../status';
import {
  buildEdges,
  buildNodes,
  LayoutCache,
  layoutKey,
  type GraphLayout,
  type LayoutDirection,
  type TaskFlowNode,
} from './layout';
import { FIT_VIEW_OPTIONS, KeepInView, useUserMoved } from './KeepInView';
import { TaskNode } from './TaskNode';

const nodeTypes: NodeTypes = { task: TaskNode };

const minimapColor = (node: TaskFlowNode): string => TASK_STATUS_APPEARANCE[node.data.task.status].color;

export interface TaskGraphProps {
  readonly tasks: readonly TaskSnapshot[];
  readonly selectedTaskId: string | undefined;
  readonly onSelect: (taskId: string) => void;
  readonly direction?: LayoutDirection;
  /** Injected by tests to count layouts; one per graph otherwise. */
  readonly layoutCache?: LayoutCache;
}

/** The chain's tasks as a pannable, zoomable graph, laid out by ELK. */
export function TaskGraph({ tasks, selectedTaskId, onSelect, direction = 'RIGHT', layoutCache }: TaskGraphProps) {
  const cache = useMemo(() => layoutCache ?? new LayoutCache(), [layoutCache]);
  const [layout, setLayout] = useState<GraphLayout | undefined>();
  const [layoutError, setLayoutError] = useState<string | undefined>();
  const key = layoutKey(tasks);

  useEffect(() => {
    let current = true;
    // Same key → the cache hands back the same promise and layout object, so React skips the update.
    cache.layout(tasks, direction).then(
      (next) => {
        if (!current) return;
        setLayout(next);
        setLayoutError(undefined);
      },
      (error: unknown) => {
        if (current) setLayoutError(error instanceof Error ? error.message : String(error));
      },
    );
    return () => {
      current = false;
    };
  }, [cache, tasks, direction]);

  const { touched, onMoveStart, onMoveEnd } = useUserMoved();
  const previousNodes = useRef<ReadonlyMap<string, TaskFlowNode>>(new Map());
  const nodes = useMemo(
    () => (layout ? buildNodes(tasks, layout, selectedTaskId, onSelect, previousNodes.current) : []),
    [tasks, layout, selectedTaskId, onSelect],
  );
  useEffect(() => {
    previousNodes.current = new Map(nodes.map((node) => [node.id, node]));
  }, [nodes]);
  // Edges depend only on the shape and the statuses (hence the key); most snapshots change neither.
  const edgeKey = `${key}#${tasks.map((task) => task.status).join(',')}`;
  const edges = useMemo(() => buildEdges(tasks), [edgeKey]);

  if (tasks.length === 0) return <p className="graph-message">No tasks yet: the request is being planned…</p>;
  if (layoutError) return <p className="graph-message error">Could not lay out the graph: {layoutError}</p>;

  return (
    <div className="task-graph" aria-busy={layout?.key !== key}>
      <ReactFlow<TaskFlowNode>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        fitView
        fitViewOptions={FIT_VIEW_OPTIONS}
        onMoveStart={onMoveStart}
        onMoveEnd={onMoveEnd}
        minZoom={0.05}
        maxZoom={2}
        nodesDraggable={false}
        nodesConnectable={false}
        nodesFocusable={false}
        edgesFocusable={false}
        elementsSelectable={false}
        zoomOnDoubleClick={false}
        onlyRenderVisibleElements={false}
      >
        <Background gap={24} size={1} />
        <Controls showInteractive={false} />
        <MiniMap<TaskFlowNode> nodeColor={minimapColor} pannable zoomable ariaLabel="Task graph overview" />
        <KeepInView touched={touched} selected={nodes.find((node) => node.id === selectedTaskId)} />
      </ReactFlow>
    </div>
  );
}
