import { memo, useMemo, type KeyboardEvent } from 'react';
import { useStore, type NodeProps, type ReactFlowState } from '@xyflow/react';
import { formatCost } from '../format';
import { statusColorStyle, TASK_STATUS_APPEARANCE } from '../status';
import { KIND_LABEL, verifyOutcomeAppearance } from '../verification';
import { NODE_HEIGHT, NODE_WIDTH, type TaskFlowNode } from './layout';
import { useRevealOnFocus } from './useRevealOnFocus';

/**
 * Level of detail: below this zoom a node's text is under 6 px high (13 px × 0.45), too small to
 * read, and a large graph draws its nodes as light boxes in their status colour instead (see
 * `showsLightNodes`). A 300-task graph fits the view at well under this zoom.
 */
export const DETAIL_ZOOM = 0.45;
/**
 * Graphs of up to this many tasks draw every node in full at any zoom, as they always have (plans
 * are capped at 40 tasks by default): only larger ones switch to light boxes when zoomed out.
 */
export const ALWAYS_DETAILED_TASKS = 100;

/**
 * Whether nodes are drawn light: a large graph, zoomed out past reading. A boolean, so each node
 * re-renders only when the zoom crosses `DETAIL_ZOOM`, not on every frame of a pan or zoom.
 */
export const showsLightNodes = (state: ReactFlowState): boolean =>
  state.transform[2] < DETAIL_ZOOM && state.nodeLookup.size > ALWAYS_DETAILED_TASKS;

/**
 * One task in the graph: a button that selects the task. (Its edges are EdgeLayer's.) Zoomed out
 * on a large graph, a light box: its status colour, with the same name for screen readers and as a
 * tooltip, and the same behaviour.
 */
export const TaskNode = memo(function TaskNode({
  data,
  selected,
  positionAbsoluteX,
  positionAbsoluteY,
}: NodeProps<TaskFlowNode>) {
  const { task, onSelect } = data;
  const light = useStore(showsLightNodes);
  const appearance = TASK_STATUS_APPEARANCE[task.status];
  const center = useMemo(
    () => ({ x: positionAbsoluteX + NODE_WIDTH / 2, y: positionAbsoluteY + NODE_HEIGHT / 2 }),
    [positionAbsoluteX, positionAbsoluteY],
  );
  const onFocus = useRevealOnFocus(center);
  const { verify } = task;
  const outcome = verify && verifyOutcomeAppearance(verify);
  const label = [task.title, appearance.label, task.kind && KIND_LABEL[task.kind], outcome?.label]
    .filter(Boolean)
    .join(', ');

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    // Space would otherwise scroll, Enter would reach React Flow's own key handling.
    event.preventDefault();
    event.stopPropagation();
    onSelect(task.id);
  };

  const button = {
    className: `task-node status-${task.status}${selected ? ' selected' : ''}${light ? ' light' : ''}`,
    style: statusColorStyle(appearance),
    'data-testid': `task-node-${task.id}`,
    'data-status': task.status,
    role: 'button',
    tabIndex: 0,
    'aria-label': label,
    'aria-pressed': selected,
    onClick: () => onSelect(task.id),
    onKeyDown,
    onFocus,
  } as const;

  if (light) return <div {...button} title={label} />;

  return (
    <div {...button}>
      <div className="task-node-title" title={task.title}>
        {task.title}
      </div>
      {/* One line each, whatever the kind: the layout sized every node alike (NODE_HEIGHT). */}
      <div className="task-node-id-row">
        <span className="task-node-id">{task.id}</span>
        {task.kind && (
          <span className={`task-node-kind kind-${task.kind}`} data-testid={`task-kind-${task.id}`}>
            {KIND_LABEL[task.kind]}
          </span>
        )}
      </div>
      <div className="task-node-meta">
        <span className="task-node-status">
          <span className="status-dot" aria-hidden="true" />
          {appearance.label}
        </span>
        {verify && outcome && (
          <span
            className={`task-node-verify verify-${verify.outcome}`}
            style={statusColorStyle(outcome)}
            data-testid={`task-verify-${task.id}`}
            title={verify.summary}
          >
            <span aria-hidden="true">{outcome.symbol} </span>
            {outcome.label}
          </span>
        )}
        {task.attempts > 1 && <span className="task-node-attempts">attempt {task.attempts}</span>}
        {task.usage && <span className="task-node-cost">{formatCost(task.usage.costUsd)}</span>}
      </div>
    </div>
  );
});
