import { memo, useMemo, type KeyboardEvent } from 'react';
import type { NodeProps } from '@xyflow/react';
import { formatCost } from '../format';
import { statusColorStyle, TASK_STATUS_APPEARANCE } from '../status';
import { KIND_LABEL, verifyOutcomeAppearance } from '../verification';
import { nodeCentre, type TaskFlowNode } from './layout';
import { selectOnKey, taskLabel } from './taskButton';
import { useRevealOnFocus } from './useRevealOnFocus';

/**
 * One task in the graph: a button that selects the task. (Its edges are EdgeLayer's; zoomed out on
 * a large graph, TaskBoxes draws the tasks instead.)
 */
export const TaskNode = memo(function TaskNode({
  data,
  selected,
  positionAbsoluteX,
  positionAbsoluteY,
}: NodeProps<TaskFlowNode>) {
  const { task, onSelect } = data;
  const appearance = TASK_STATUS_APPEARANCE[task.status];
  const center = useMemo(
    () => nodeCentre({ x: positionAbsoluteX, y: positionAbsoluteY }),
    [positionAbsoluteX, positionAbsoluteY],
  );
  const onFocus = useRevealOnFocus(center);
  const { verify } = task;
  const outcome = verify && verifyOutcomeAppearance(verify);
  const label = taskLabel(task);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => selectOnKey(event, () => onSelect(task.id));

  const button = {
    className: `task-node status-${task.status}${selected ? ' selected' : ''}`,
    style: statusColorStyle(appearance),
    'data-testid': `task-node-${task.id}`,
    'data-task-id': task.id,
    'data-status': task.status,
    role: 'button',
    tabIndex: 0,
    'aria-label': label,
    'aria-pressed': selected,
    onClick: () => onSelect(task.id),
    onKeyDown,
    onFocus,
  } as const;

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
