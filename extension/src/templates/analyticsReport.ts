/**
 * A template's analytics as a Markdown table: runs, success rate, verified chains, latency,
 * tokens and cost per version, the production version marked. Pure; unit-tested.
 */
import type { TemplateAnalyticsView, VersionAnalyticsView } from '../../../server/src/protocol';

const dash = '—';
const percent = (value: number | null) => (value === null ? dash : `${Math.round(value * 100)}%`);
const milliseconds = (value: number | null) => (value === null ? dash : `${Math.round(value)} ms`);
const count = (value: number | null) => (value === null ? dash : String(Math.round(value)));
const dollars = (value: number | null) => (value === null ? dash : `$${value.toFixed(4)}`);
/** A dash when no chain's verification reached a verdict: 0/0 would read as a failure. */
const verified = ({ verifiedChains, checkedChains }: VersionAnalyticsView) =>
  checkedChains === 0 ? dash : `${verifiedChains}/${checkedChains} (${percent(verifiedChains / checkedChains)})`;

export function templateAnalyticsReport(analytics: TemplateAnalyticsView): string {
  const lines = [
    `# ${analytics.name}`,
    '',
    `Used ${analytics.usageCount} time${analytics.usageCount === 1 ? '' : 's'} in all.`,
    '',
    '| Version | Runs | Success | Verified chains | p50 latency | p95 latency | Prompt tokens | Completion tokens | Cost per run | Retries |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const version of [...analytics.versions].sort((a, b) => b.version - a.version)) {
    const labels = version.labels.length ? ` (${version.labels.join(', ')})` : '';
    lines.push(
      `| v${version.version}${labels} | ${version.runs} | ${percent(version.successRate)} | ${verified(version)} | ${milliseconds(version.p50LatencyMs)} | ${milliseconds(version.p95LatencyMs)} | ${count(version.meanPromptTokens)} | ${count(version.meanCompletionTokens)} | ${dollars(version.meanCostUsd)} | ${version.retries} |`,
    );
  }
  lines.push(
    '',
    'Verified chains: chains that used the version and passed verification, of those whose verification reached a verdict.',
  );
  if (analytics.versions.every((version) => version.runs === 0)) {
    lines.push('', 'No runs recorded yet: the numbers fill in as chains use this template.');
  }
  return `${lines.join('\n')}\n`;
}
