import type { UsageView } from '../../server/src/chainSnapshot';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatCost(usd: number): string {
  return `$${usd.toFixed(4)}`;
}

export function formatTokens(count: number): string {
  return integer.format(count);
}

export function totalTokens(usage: UsageView): number {
  return usage.inputTokens + usage.outputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
}

/** Milliseconds between two ISO timestamps, or undefined if either is missing or unparsable. */
export function elapsedMs(startIso: string | undefined, endIso: string | undefined): number | undefined {
  if (!startIso || !endIso) return undefined;
  const elapsed = Date.parse(endIso) - Date.parse(startIso);
  return Number.isFinite(elapsed) && elapsed >= 0 ? elapsed : undefined;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = Math.round(seconds - minutes * 60);
  return `${minutes} min ${String(rest).padStart(2, '0')} s`;
}

export function formatTime(iso: string | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}
