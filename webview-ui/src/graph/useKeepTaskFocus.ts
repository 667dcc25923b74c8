import { useCallback, useEffect, useRef, type FocusEvent, type RefObject } from 'react';

/** A task's node (TaskNode) or box (TaskBoxes). */
const TASK_ELEMENTS = '[data-task-id]';
/** Frames to wait for the task's new element: React Flow adds its nodes a commit after it gets them. */
const FRAMES_TO_WAIT = 5;

/**
 * Keeps keyboard focus on a task when the graph switches between light boxes and React Flow nodes
 * (the zoom crossed DETAIL_ZOOM): the focused task's element is replaced by another, and focus
 * would fall back to the page. Returns the pane's focus handler, which notes the focused task.
 */
export function useKeepTaskFocus(
  pane: RefObject<HTMLElement | null>,
  drawsBoxes: boolean,
): (event: FocusEvent<HTMLElement>) => void {
  const focusedTask = useRef<string | undefined>(undefined);
  const onFocus = useCallback((event: FocusEvent<HTMLElement>) => {
    focusedTask.current = event.target.closest<HTMLElement>(TASK_ELEMENTS)?.dataset.taskId;
  }, []);

  const drewBoxes = useRef(drawsBoxes);
  useEffect(() => {
    if (drewBoxes.current === drawsBoxes) return;
    drewBoxes.current = drawsBoxes;
    const taskId = focusedTask.current;
    if (taskId === undefined) return;
    const kind = drawsBoxes ? '.task-boxes' : '.react-flow__node';
    let frame = 0;
    let waited = 0;
    const refocus = () => {
      const active = document.activeElement;
      const lost = !active || active === document.body || !active.isConnected;
      // Focus the user moved elsewhere stays there; only the task's old element hands it on.
      if (!lost && !(active instanceof HTMLElement && active.dataset.taskId === taskId)) return;
      const elements = pane.current?.querySelectorAll<HTMLElement>(`${kind} ${TASK_ELEMENTS}`) ?? [];
      const element = [...elements].find((candidate) => candidate.dataset.taskId === taskId);
      if (element) {
        if (element !== active) element.focus({ preventScroll: true });
      } else if (waited++ < FRAMES_TO_WAIT) {
        frame = requestAnimationFrame(refocus);
      }
    };
    refocus();
    return () => cancelAnimationFrame(frame);
  }, [drawsBoxes, pane]);
  return onFocus;
}
