/**
 * Level of detail: below this zoom a node's text is under 6 px high (13 px × 0.45), too small to
 * read, and a large graph draws its tasks as light boxes in their status colour (TaskBoxes) instead
 * of React Flow nodes. A 300-task graph fits the view at well under this zoom.
 */
export const DETAIL_ZOOM = 0.45;
/**
 * Graphs of up to this many tasks draw every node in full at any zoom, as they always have (plans
 * are capped at 40 tasks by default): only larger ones switch to light boxes when zoomed out.
 */
export const ALWAYS_DETAILED_TASKS = 100;

/** A graph drawn as light boxes when zoomed out (TaskGraph). */
export const isLargeGraph = (taskCount: number): boolean => taskCount > ALWAYS_DETAILED_TASKS;
/** Zoomed out past reading: a large graph is drawn as light boxes. */
export const isZoomedOut = (zoom: number): boolean => zoom < DETAIL_ZOOM;
