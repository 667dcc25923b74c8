import { useEffect, useRef } from 'react';
import { useStore } from '@xyflow/react';
import { NODE_HEIGHT, NODE_WIDTH, type TaskFlowNode } from './layout';
import { useReveal } from './useRevealOnFocus';

/**
 * Keeps the selected task on screen: opening the side panel narrows the graph, and the node
 * the user just clicked must not end up behind it. Only a new selection or a narrower or
 * wider graph pans; the user's own panning and later snapshots are left alone.
 */
export function RevealSelected({ node }: { readonly node: TaskFlowNode | undefined }) {
  const reveal = useReveal();
  const width = useStore((state) => state.width);
  const center = useRef<{ x: number; y: number } | undefined>(undefined);
  center.current = node ? { x: node.position.x + NODE_WIDTH / 2, y: node.position.y + NODE_HEIGHT / 2 } : undefined;
  const selectedId = node?.id;
  useEffect(() => {
    if (selectedId !== undefined && center.current && width > 0) reveal(center.current);
  }, [reveal, selectedId, width]);
  return null;
}
