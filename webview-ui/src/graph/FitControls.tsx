import { ControlButton, Controls } from '@xyflow/react';
import { useFitGraph, type GraphSize } from './KeepInView';

/**
 * React Flow's zoom buttons, and a fit-view button that fits the layout. React Flow's own fits its
 * nodes, which a large graph zoomed out does not have (TaskBoxes draws it): with none, it stays
 * queued and would snap the view back the next time nodes appear.
 */
export function FitControls({ graph }: { readonly graph: GraphSize }) {
  const fitGraph = useFitGraph(graph);
  return (
    <Controls showInteractive={false} showFitView={false}>
      <ControlButton className="react-flow__controls-fitview" onClick={fitGraph} title="Fit View" aria-label="Fit View">
        {/* Four corners, as React Flow's own fit-view button shows. */}
        <svg viewBox="0 0 32 30" aria-hidden="true">
          <path d="M0 0h10v4H4v6H0zM22 0h10v10h-4V4h-6zM0 20h4v6h6v4H0zM28 20h4v10H22v-4h6z" />
        </svg>
      </ControlButton>
    </Controls>
  );
}
