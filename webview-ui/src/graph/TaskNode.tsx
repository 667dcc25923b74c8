import { memo, useMemo, type KeyboardEvent } from 'react';
import type { NodeProps } from '@xyflow/react';
import { formatCost } from '../format';
import { statusColorStyle, TASK_STATUS_APPEARANCE } from '../status';
import { NODE_HEIGHT, NODE_WIDTH, type TaskFlowNode } from './layout';
import { useRevealOnFocus } from './useRevealOnFocus';

/** One task in the graph: a button that selects the task. (Its edges are EdgeLayer's.) */
export const TaskNode = memo(function TaskNode({
  data,
  selected,
  positionAbsoluteX,
  positionAbsoluteY,
}: NodeProps<TaskFlowNode>) {
  const { task, onSelect } = data;
  const appearance = TASK_STATUS_APPEARANCE[task.status];
  const center = useMemo(
    () => ({ x: positionAbsoluteX + NODE_WIDTH / 2, y: positionAbsoluteY + NODE_HEIGHT / 2 }),
    [positionAbsoluteX, positionAbsoluteY],
  );
  const onFocus = useRevealOnFocus(center);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== 'Enter' && event.key !== ' ') return;
    // Space would otherwise scroll, Enter would reach React Flow's own key handling.
    event.preventDefault();
    event.stopPropagation();
    onSelect(task.id);
  };

  return (
    <div
      className={`task-node status-${task.status}${selected ? ' selected' : ''}`}
      style={statusColorStyle(appearance)}
      data-testid={`task-node-${task.id}`}
      data-status={task.status}
      role="button"
      tabIndex={0}
      aria-label={`${task.title}, ${appearance.label}`}
      aria-pressed={selected}
      onClick={() => onSelect(task.id)}
      onKeyDown={onKeyDown}
      onFocus={onFocus}
    >
      <div className="task-node-title" title={task.title}>
        {task.title}
      </div>
      <div className="task-node-id">{task.id}</div>
      <div className="task-node-meta">
        <span className="task-node-status">
          <span className="status-dot" aria-hidden="true" />
          {appearance.label}
        </span>
        {task.attempts > 1 && <span className="task-node-attempts">attempt {task.attempts}</span>}
        {task.usage && <span className="task-node-cost">{formatCost(task.usage.costUsd)}</span>}
      </div>
    </div>
  );
});
