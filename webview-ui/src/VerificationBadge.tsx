import type { ChainVerificationView } from '../../server/src/chainSnapshot';
import { statusColorStyle } from './status';
import { chainVerificationAppearance } from './verification';

/**
 * Whether the chain's app installs, builds and passes its tests: a symbol and a label (never the
 * colour alone), the one-line summary as tooltip and, for screen readers, as hidden text.
 */
export function VerificationBadge({ verification }: { readonly verification: ChainVerificationView }) {
  const appearance = chainVerificationAppearance(verification);
  const { repairs } = verification;
  return (
    <span
      className={`verification-badge verification-${verification.outcome}`}
      style={statusColorStyle(appearance)}
      data-testid="chain-verification"
      data-outcome={verification.outcome}
      title={verification.summary}
    >
      <span aria-hidden="true">{appearance.symbol}</span>
      {appearance.label}
      {repairs > 0 && (
        <span className="verification-repairs">
          {' '}
          · {repairs} {repairs === 1 ? 'repair round' : 'repair rounds'}
        </span>
      )}
      <span className="visually-hidden">: {verification.summary}</span>
    </span>
  );
}
