import { memo } from 'react';
import { useStore } from '@xyflow/react';
import { EDGE_LOOKS, type EdgePaths } from './layout';

/**
 * The dependency edges as one SVG under React Flow's nodes (styles.css stacks it between the
 * background and the nodes), moved with the viewport: a few paths instead of one React Flow edge
 * component per dependency, which made up a third of the first render of a 300-task graph.
 */
export const EdgeLayer = memo(function EdgeLayer({ paths }: { readonly paths: EdgePaths }) {
  const [x, y, zoom] = useStore((state) => state.transform);
  return (
    <svg className="task-edges" aria-hidden="true" data-edge-count={paths.count}>
      <g transform={`translate(${x} ${y}) scale(${zoom})`}>
        {EDGE_LOOKS.map((look) => (
          <g key={look} className={`task-edge-group edge-${look}`}>
            <path className="task-edge-line" d={paths.lines[look]} />
            <path className="task-edge-arrow" d={paths.arrows[look]} />
          </g>
        ))}
      </g>
    </svg>
  );
});
