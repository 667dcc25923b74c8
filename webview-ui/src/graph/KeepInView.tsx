import { useCallback, useEffect, useRef, type RefObject } from 'react';
import { useReactFlow, useStore, type OnMove, type Viewport } from '@xyflow/react';
import { NODE_HEIGHT, NODE_WIDTH, type TaskFlowNode } from './layout';
import { useReveal } from './useRevealOnFocus';

export const FIT_VIEW_OPTIONS = { padding: 0.1, maxZoom: 1 } as const;

/**
 * Whether the user has moved the view: a pan or zoom that came with an input event and
 * changed the viewport. (A click on a node also starts a "move", one that changes nothing.)
 */
export function useUserMoved(): { touched: RefObject<boolean>; onMoveStart: OnMove; onMoveEnd: OnMove } {
  const touched = useRef(false);
  const start = useRef<Viewport | undefined>(undefined);
  const onMoveStart = useCallback<OnMove>((event, viewport) => {
    start.current = event ? viewport : undefined;
  }, []);
  const onMoveEnd = useCallback<OnMove>((event, viewport) => {
    const from = start.current;
    start.current = undefined;
    if (event && from && (from.x !== viewport.x || from.y !== viewport.y || from.zoom !== viewport.zoom)) {
      touched.current = true;
    }
  }, []);
  return { touched, onMoveStart, onMoveEnd };
}

/**
 * What the graph shows when its pane changes size (the editor group was split, the side panel
 * opened) or a task is selected. Until the user pans or zooms, the whole graph is fitted
 * again; from then on the view is theirs, and only a selected task that would be off screen
 * (behind the panel) is panned into view.
 */
export function KeepInView({
  touched,
  selected,
}: {
  readonly touched: RefObject<boolean>;
  readonly selected: TaskFlowNode | undefined;
}) {
  const { fitView } = useReactFlow();
  const reveal = useReveal();
  const width = useStore((state) => state.width);
  const height = useStore((state) => state.height);
  const center = useRef<{ x: number; y: number } | undefined>(undefined);
  center.current = selected
    ? { x: selected.position.x + NODE_WIDTH / 2, y: selected.position.y + NODE_HEIGHT / 2 }
    : undefined;
  const selectedId = selected?.id;
  useEffect(() => {
    if (width <= 0 || height <= 0) return;
    if (!touched.current) void fitView(FIT_VIEW_OPTIONS);
    else if (selectedId !== undefined && center.current) reveal(center.current);
  }, [fitView, reveal, touched, selectedId, width, height]);
  return null;
}
