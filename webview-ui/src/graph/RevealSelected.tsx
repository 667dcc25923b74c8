import { useEffect } from 'react';
import { useStore } from '@xyflow/react';
import { NODE_HEIGHT, NODE_WIDTH, type TaskFlowNode } from './layout';
import { useReveal } from './useRevealOnFocus';

/**
 * Keeps the selected task on screen: opening the side panel narrows the graph, and the node
 * the user just clicked must not end up behind it.
 */
export function RevealSelected({ node }: { readonly node: TaskFlowNode | undefined }) {
  const reveal = useReveal();
  const width = useStore((state) => state.width);
  const height = useStore((state) => state.height);
  const x = node ? node.position.x + NODE_WIDTH / 2 : undefined;
  const y = node ? node.position.y + NODE_HEIGHT / 2 : undefined;
  useEffect(() => {
    if (x !== undefined && y !== undefined && width > 0 && height > 0) reveal({ x, y });
  }, [reveal, x, y, width, height]);
  return null;
}
