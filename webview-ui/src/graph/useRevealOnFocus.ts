import { useCallback, type FocusEvent } from 'react';
import { useStoreApi } from '@xyflow/react';

/**
 * Pans a node into view when it gets keyboard focus: with 300 tasks most nodes are off screen,
 * and tabbing to one the user cannot see is useless. (React Flow does this for its own focusable
 * wrapper, which the graph turns off in favour of the node's button.)
 */
export function useRevealOnFocus(center: { x: number; y: number }): (event: FocusEvent<HTMLElement>) => void {
  const reveal = useReveal();
  return useCallback(
    (event: FocusEvent<HTMLElement>) => {
      if (event.currentTarget.matches(':focus-visible')) reveal(center);
    },
    [reveal, center],
  );
}

/**
 * Pans (keeping the zoom) so that a point of the graph is on screen, if it is not already.
 * Every node uses it: it reads the store only when called (`useReactFlow` would subscribe each
 * of hundreds of nodes to the store, which slowed the first render).
 */
export function useReveal(): (center: { x: number; y: number }) => void {
  const store = useStoreApi();
  return useCallback(
    (center: { x: number; y: number }) => {
      const { transform, width, height, setCenter } = store.getState();
      const [panX, panY, zoom] = transform;
      const screenX = center.x * zoom + panX;
      const screenY = center.y * zoom + panY;
      if (screenX >= 0 && screenX <= width && screenY >= 0 && screenY <= height) return;
      void setCenter(center.x, center.y, { zoom, duration: 200 });
    },
    [store],
  );
}
