import { Controls } from '@xyflow/react';
import { FIT_VIEW_OPTIONS, useFitGraph, type GraphSize } from './KeepInView';

/**
 * React Flow's zoom and fit-view buttons, the fit made from the layout: React Flow's own fits its
 * nodes, which a large graph zoomed out does not have (TaskBoxes draws it).
 */
export function FitControls({ graph }: { readonly graph: GraphSize }) {
  const fitGraph = useFitGraph(graph);
  return <Controls showInteractive={false} fitViewOptions={FIT_VIEW_OPTIONS} onFitView={fitGraph} />;
}
