import { formatCost, formatTokens } from './format';
import type { ChainSnapshot } from './protocol';
import { CHAIN_STATUS_APPEARANCE, isSettledOk, statusColorStyle } from './status';
import { VerificationBadge } from './VerificationBadge';

/** The request, the chain's state, whether its app was verified, and what it has cost so far. */
export function ChainHeader({ chain }: { readonly chain: ChainSnapshot }) {
  const appearance = CHAIN_STATUS_APPEARANCE[chain.status];
  const { usage } = chain;
  // Rungs of the verify ladder that were not needed are done too: the chain will not run them.
  const done = chain.tasks.filter((task) => isSettledOk(task.status)).length;
  return (
    <header className="chain-header">
      <h1 className="chain-request" title={chain.request}>
        {chain.request}
      </h1>
      <div className="chain-facts">
        <span className="status-text" style={statusColorStyle(appearance)} data-testid="chain-status">
          <span className="status-dot" aria-hidden="true" />
          {appearance.label}
        </span>
        {chain.verification && <VerificationBadge verification={chain.verification} />}
        <span data-testid="chain-progress">
          {done}/{chain.tasks.length} tasks
        </span>
        <span data-testid="chain-cost" title="Total cost">
          {formatCost(usage.costUsd)}
          {chain.budgetUsd !== undefined && <span className="muted"> of {formatCost(chain.budgetUsd)}</span>}
        </span>
        <span
          data-testid="chain-tokens"
          title={`Cache read ${formatTokens(usage.cacheReadTokens)}, cache write ${formatTokens(usage.cacheWriteTokens)}`}
        >
          {formatTokens(usage.inputTokens)} in · {formatTokens(usage.outputTokens)} out tokens
        </span>
        <span className="muted">{chain.model}</span>
      </div>
    </header>
  );
}
