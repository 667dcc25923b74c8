import type { TaskSnapshot } from '../protocol';
import { formatCost, formatTokens } from '../format';

/** Tokens and cost of all of the task's attempts. */
export function UsageSection({ task }: { readonly task: TaskSnapshot }) {
  const usage = task.usage;
  return (
    <section className="panel-section" aria-labelledby="task-usage-heading">
      <h3 id="task-usage-heading">Usage</h3>
      {usage ? (
        <dl className="facts">
          <dt>Input tokens</dt>
          <dd>{formatTokens(usage.inputTokens)}</dd>
          <dt>Output tokens</dt>
          <dd>{formatTokens(usage.outputTokens)}</dd>
          <dt>Cache read</dt>
          <dd>{formatTokens(usage.cacheReadTokens)}</dd>
          <dt>Cache write</dt>
          <dd>{formatTokens(usage.cacheWriteTokens)}</dd>
          <dt>Cost</dt>
          <dd>{formatCost(usage.costUsd)}</dd>
        </dl>
      ) : (
        <p className="muted">No calls yet.</p>
      )}
    </section>
  );
}
