import type { KeyboardEvent } from 'react';
import type { TaskSnapshot } from '../protocol';
import { TASK_STATUS_APPEARANCE } from '../status';
import { KIND_LABEL, verifyOutcomeAppearance } from '../verification';

/** What a task's node or box is called for screen readers (a box's tooltip too): title, status, kind, verify outcome. */
export function taskLabel(task: TaskSnapshot): string {
  const outcome = task.verify && verifyOutcomeAppearance(task.verify);
  return [task.title, TASK_STATUS_APPEARANCE[task.status].label, task.kind && KIND_LABEL[task.kind], outcome?.label]
    .filter(Boolean)
    .join(', ');
}

/** Enter or Space on a task's node or box selects the task, as a click does. */
export function selectOnKey(event: KeyboardEvent<HTMLElement>, select: () => void): void {
  if (event.key !== 'Enter' && event.key !== ' ') return;
  // Space would otherwise scroll, Enter would reach React Flow's own key handling.
  event.preventDefault();
  event.stopPropagation();
  select();
}
