import { memo, useCallback, type FocusEvent, type KeyboardEvent, type MouseEvent } from 'react';
import { ViewportPortal, type XYPosition } from '@xyflow/react';
import type { TaskSnapshot } from '../protocol';
import { statusColorStyle, TASK_STATUS_APPEARANCE } from '../status';
import { looksTheSame, NODE_HEIGHT, NODE_WIDTH, nodeCentre, type GraphLayout } from './layout';
import { selectOnKey, taskLabel } from './taskButton';
import { useReveal } from './useRevealOnFocus';

interface TaskBoxProps {
  readonly task: TaskSnapshot;
  readonly position: XYPosition;
  readonly selected: boolean;
}

/** One task as a light box: its status colour, its name for screen readers and as a tooltip. */
const TaskBox = memo(
  function TaskBox({ task, position, selected }: TaskBoxProps) {
    const label = taskLabel(task);
    return (
      <div
        className={`task-node light status-${task.status}${selected ? ' selected' : ''}`}
        style={{
          ...statusColorStyle(TASK_STATUS_APPEARANCE[task.status]),
          transform: `translate(${position.x}px,${position.y}px)`,
          width: NODE_WIDTH,
          height: NODE_HEIGHT,
        }}
        data-testid={`task-node-${task.id}`}
        data-task-id={task.id}
        data-status={task.status}
        role="button"
        tabIndex={0}
        aria-label={label}
        aria-pressed={selected}
        title={label}
      />
    );
  },
  // A snapshot brings new task objects: only a box that would look different renders again.
  (before, after) =>
    before.position === after.position && before.selected === after.selected && looksTheSame(before.task, after.task),
);

/** The task a box event came from (one set of handlers serves every box). */
const taskIdOf = (event: { target: EventTarget }): string | undefined =>
  event.target instanceof HTMLElement ? event.target.closest<HTMLElement>('[data-task-id]')?.dataset.taskId : undefined;

export interface TaskBoxesProps {
  readonly tasks: readonly TaskSnapshot[];
  readonly layout: GraphLayout;
  readonly selectedTaskId: string | undefined;
  readonly onSelect: (taskId: string) => void;
}

/**
 * A large graph zoomed out past reading (see levelOfDetail.ts): its tasks as plain boxes in React
 * Flow's viewport instead of React Flow nodes, which cost about half the first render of a
 * 300-task graph (each node is a component with its own store subscriptions). They pan and zoom
 * with the graph, and are buttons like the nodes: a click, Enter or Space selects the task, and
 * keyboard focus brings an off-screen box into view.
 */
export const TaskBoxes = memo(function TaskBoxes({ tasks, layout, selectedTaskId, onSelect }: TaskBoxesProps) {
  const reveal = useReveal();
  const onClick = useCallback(
    (event: MouseEvent<HTMLDivElement>) => {
      const taskId = taskIdOf(event);
      if (taskId !== undefined) onSelect(taskId);
    },
    [onSelect],
  );
  const onKeyDown = useCallback(
    (event: KeyboardEvent<HTMLDivElement>) => {
      const taskId = taskIdOf(event);
      if (taskId !== undefined) selectOnKey(event, () => onSelect(taskId));
    },
    [onSelect],
  );
  const onFocus = useCallback(
    (event: FocusEvent<HTMLDivElement>) => {
      const taskId = taskIdOf(event);
      const position = taskId === undefined ? undefined : layout.positions.get(taskId);
      if (position && event.target.matches(':focus-visible')) {
        reveal(nodeCentre(position));
      }
    },
    [layout, reveal],
  );
  return (
    <ViewportPortal>
      <div className="task-boxes" onClick={onClick} onKeyDown={onKeyDown} onFocus={onFocus}>
        {tasks.map((task) => {
          const position = layout.positions.get(task.id);
          return position ? (
            <TaskBox key={task.id} task={task} position={position} selected={task.id === selectedTaskId} />
          ) : null;
        })}
      </div>
    </ViewportPortal>
  );
});
