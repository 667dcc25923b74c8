/**
 * The last layout, kept in the webview's state. The task-graph panel does not keep its page
 * while hidden (`retainContextWhenHidden` costs memory for every open panel), so showing it
 * again starts a fresh page; VS Code hands that page the state the last one saved, and a graph
 * of the same shape is drawn from it instead of being laid out again (hundreds of milliseconds
 * for a few hundred tasks).
 */
import type { XYPosition } from '@xyflow/react';
import type { GraphLayout, LayoutDirection } from './layout';

/** Where the layout is kept: VS Code's `getState`/`setState` in a webview, anything in tests. */
export interface LayoutStore {
  load(): unknown;
  save(saved: SavedLayout): void;
}

/** Bumped when the saved shape changes: a state saved in another shape is laid out afresh. */
const SAVED_LAYOUT_VERSION = 1;

/** The layout as plain JSON (the state must survive `JSON.stringify`). */
export interface SavedLayout {
  readonly version: typeof SAVED_LAYOUT_VERSION;
  /** What the layout was computed with (node size, spacing, ranker), as the webview words it. */
  readonly settings: string;
  readonly key: string;
  readonly direction: LayoutDirection;
  /** Per task: id, x, y. */
  readonly positions: readonly (readonly [string, number, number])[];
  /** Per bent edge: its `bendKey` and its points as x, y, x, y… */
  readonly bends: readonly (readonly [string, readonly number[]])[];
  readonly width: number;
  readonly height: number;
}

export function saveLayout(layout: GraphLayout, settings: string): SavedLayout {
  return {
    version: SAVED_LAYOUT_VERSION,
    settings,
    key: layout.key,
    direction: layout.direction,
    positions: [...layout.positions].map(([id, { x, y }]) => [id, x, y] as const),
    bends: [...layout.bends].map(([key, points]) => [key, points.flatMap(({ x, y }) => [x, y])] as const),
    width: layout.width,
    height: layout.height,
  };
}

const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** Which layout is wanted: the graph's `layoutKey`, its direction and the layout's settings. */
export interface WantedLayout {
  readonly key: string;
  readonly direction: LayoutDirection;
  readonly settings: string;
}

/**
 * The saved layout if it is the wanted one and well formed, else undefined: the state may come
 * from an older version of the extension or be for another graph.
 */
export function restoreLayout(saved: unknown, wanted: WantedLayout): GraphLayout | undefined {
  if (typeof saved !== 'object' || saved === null) return undefined;
  const candidate = saved as Partial<Record<keyof SavedLayout, unknown>>;
  const { key, direction, settings } = wanted;
  if (
    candidate.version !== SAVED_LAYOUT_VERSION ||
    candidate.settings !== settings ||
    candidate.key !== key ||
    candidate.direction !== direction
  ) {
    return undefined;
  }
  const { positions, bends, width, height } = candidate;
  if (!Array.isArray(positions) || !Array.isArray(bends) || !isFiniteNumber(width) || !isFiniteNumber(height)) {
    return undefined;
  }
  const restoredPositions = new Map<string, XYPosition>();
  for (const entry of positions as unknown[]) {
    if (!Array.isArray(entry)) return undefined;
    const [id, x, y] = entry as unknown[];
    if (typeof id !== 'string' || !isFiniteNumber(x) || !isFiniteNumber(y)) return undefined;
    restoredPositions.set(id, { x, y });
  }
  const restoredBends = new Map<string, XYPosition[]>();
  for (const entry of bends as unknown[]) {
    if (!Array.isArray(entry)) return undefined;
    const [edge, coordinates] = entry as unknown[];
    if (typeof edge !== 'string' || !Array.isArray(coordinates) || coordinates.length % 2 !== 0) return undefined;
    const points: XYPosition[] = [];
    for (let at = 0; at < coordinates.length; at += 2) {
      const [x, y] = [coordinates[at] as unknown, coordinates[at + 1] as unknown];
      if (!isFiniteNumber(x) || !isFiniteNumber(y)) return undefined;
      points.push({ x, y });
    }
    restoredBends.set(edge, points);
  }
  return { key, direction, positions: restoredPositions, bends: restoredBends, width, height };
}
