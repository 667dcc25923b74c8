/**
 * A template's analytics as a Markdown table: runs, success rate, latency, tokens and cost
 * per version, the production version marked. Pure; unit-tested.
 */
import type { TemplateAnalyticsView } from '../../../server/src/protocol';

const dash = '—';
const percent = (value: number | null) => (value === null ? dash : `${Math.round(value * 100)}%`);
const milliseconds = (value: number | null) => (value === null ? dash : `${Math.round(value)} ms`);
const count = (value: number | null) => (value === null ? dash : String(Math.round(value)));
const dollars = (value: number | null) => (value === null ? dash : `$${value.toFixed(4)}`);

export function templateAnalyticsReport(analytics: TemplateAnalyticsView): string {
  const lines = [
    `# ${analytics.name}`,
    '',
    `Used ${analytics.usageCount} time${analytics.usageCount === 1 ? '' : 's'} in all.`,
    '',
    '| Version | Runs | Success | p50 latency | p95 latency | Prompt tokens | Completion tokens | Cost per run | Retries |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const version of [...analytics.versions].sort((a, b) => b.version - a.version)) {
    const labels = version.labels.length ? ` (${version.labels.join(', ')})` : '';
    lines.push(
      `| v${version.version}${labels} | ${version.runs} | ${percent(version.successRate)} | ${milliseconds(version.p50LatencyMs)} | ${milliseconds(version.p95LatencyMs)} | ${count(version.meanPromptTokens)} | ${count(version.meanCompletionTokens)} | ${dollars(version.meanCostUsd)} | ${version.retries} |`,
    );
  }
  if (analytics.versions.every((version) => version.runs === 0)) {
    lines.push('', 'No runs recorded yet: the numbers fill in as chains use this template.');
  }
  return `${lines.join('\n')}\n`;
}
