import { useCallback, useEffect, useRef, type RefObject } from 'react';
import {
  getViewportForBounds,
  useStoreApi,
  useStore,
  type OnMove,
  type Viewport,
  type XYPosition,
} from '@xyflow/react';
import { nodeCentre } from './layout';
import { useReveal } from './useRevealOnFocus';

/** The view's zoom limits, and the fit's (a fit never zooms in past 100 %). */
export const MIN_ZOOM = 0.05;
export const MAX_ZOOM = 2;
export const FIT_VIEW_OPTIONS = { padding: 0.1, maxZoom: 1 } as const;

/** The drawing's size (the layout's): it starts at (0, 0). */
export interface GraphSize {
  readonly width: number;
  readonly height: number;
}

/**
 * The view that shows the whole drawing in a pane of the given size. Fitted from the layout rather
 * than from React Flow's nodes, which a large graph zoomed out does not have (TaskBoxes draws it).
 */
export const fittedViewport = (graph: GraphSize, paneWidth: number, paneHeight: number): Viewport =>
  getViewportForBounds(
    { x: 0, y: 0, width: graph.width, height: graph.height },
    paneWidth,
    paneHeight,
    MIN_ZOOM,
    FIT_VIEW_OPTIONS.maxZoom,
    FIT_VIEW_OPTIONS.padding,
  );

/** Shows the whole drawing (the fit-view control and KeepInView); a new callback only for a new size. */
export function useFitGraph({ width: graphWidth, height: graphHeight }: GraphSize): () => void {
  const store = useStoreApi();
  return useCallback(() => {
    const { width, height, panZoom, transform } = store.getState();
    if (width <= 0 || height <= 0) return;
    const fitted = fittedViewport({ width: graphWidth, height: graphHeight }, width, height);
    // Usually already so (the first view is fitted): moving to it again would only render again.
    if (fitted.x === transform[0] && fitted.y === transform[1] && fitted.zoom === transform[2]) return;
    void panZoom?.setViewport(fitted);
  }, [store, graphWidth, graphHeight]);
}

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
 * opened), the drawing changes size (tasks were added) or a task is selected. Until the user pans
 * or zooms, the whole graph is fitted again; from then on the view is theirs, and only a selected
 * task that would be off screen (behind the panel) is panned into view, when it is selected or
 * the pane changes size.
 */
export function KeepInView({
  touched,
  graph,
  selectedId,
  selectedPosition,
}: {
  readonly touched: RefObject<boolean>;
  readonly graph: GraphSize;
  readonly selectedId: string | undefined;
  /** Top-left corner of the selected task's node. */
  readonly selectedPosition: XYPosition | undefined;
}) {
  const fitGraph = useFitGraph(graph);
  const reveal = useReveal();
  const width = useStore((state) => state.width);
  const height = useStore((state) => state.height);
  const center = useRef<XYPosition | undefined>(undefined);
  center.current = selectedPosition ? nodeCentre(selectedPosition) : undefined;
  useEffect(() => {
    if (width > 0 && height > 0 && !touched.current) fitGraph();
  }, [fitGraph, touched, width, height]);
  useEffect(() => {
    if (width > 0 && height > 0 && touched.current && selectedId !== undefined && center.current) {
      reveal(center.current);
    }
  }, [reveal, touched, selectedId, width, height]);
  return null;
}
