/**
 * What Claude costs, per model, in US dollars per million tokens. Cache writes are billed
 * at 1.25× input (5-minute cache) and cache reads at 0.1× input. Models not in the table are
 * priced by their family (opus, sonnet, haiku), so a new model name never costs "zero".
 */
export interface ModelPrice {
  readonly inputPerMTok: number;
  readonly outputPerMTok: number;
}

const FAMILY_PRICES: Readonly<Record<string, ModelPrice>> = {
  opus: { inputPerMTok: 5, outputPerMTok: 25 },
  sonnet: { inputPerMTok: 3, outputPerMTok: 15 },
  haiku: { inputPerMTok: 1, outputPerMTok: 5 },
};

/** Prices that differ from their family's. */
const MODEL_PRICES: Readonly<Record<string, ModelPrice>> = {
  'claude-opus-4-1': { inputPerMTok: 15, outputPerMTok: 75 },
  'claude-haiku-4-5': { inputPerMTok: 1, outputPerMTok: 5 },
};

const CACHE_WRITE_MULTIPLIER = 1.25;
const CACHE_READ_MULTIPLIER = 0.1;

export function priceOf(model: string): ModelPrice {
  const exact = MODEL_PRICES[model] ?? MODEL_PRICES[model.replace(/-\d{8}$/, '')];
  if (exact) return exact;
  const family = Object.keys(FAMILY_PRICES).find((name) => model.includes(name));
  // Unknown families are priced like the dearest common one rather than undercounted.
  return FAMILY_PRICES[family ?? 'opus']!;
}

export interface TokenCounts {
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly cacheReadTokens: number;
  readonly cacheWriteTokens: number;
}

export function costUsd(model: string, tokens: TokenCounts): number {
  const price = priceOf(model);
  const dollars =
    (tokens.inputTokens * price.inputPerMTok +
      tokens.cacheWriteTokens * price.inputPerMTok * CACHE_WRITE_MULTIPLIER +
      tokens.cacheReadTokens * price.inputPerMTok * CACHE_READ_MULTIPLIER +
      tokens.outputTokens * price.outputPerMTok) /
    1_000_000;
  return Math.round(dollars * 1e6) / 1e6;
}
