/**
 * The context inspector's text: what the accumulator holds for a chain (each task's result,
 * the history timeline, the stats and the TTL left), or for one task, what it received and
 * what it produced. Markdown, shown read-only; pure and unit-tested.
 */
import type { ChainSnapshot } from '../../../server/src/chainSnapshot';
import type { ChainContextView } from '../../../server/src/protocol';
import { formatCost } from '../views/statusIcons';

/** Text from a model or a user goes inside fences that it cannot close. */
function fenced(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}text\n${text}\n${fence}`;
}

function duration(seconds: number): string {
  if (seconds < 0) return 'no expiry (persistent key)';
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export function chainContextReport(context: ChainContextView, chain: ChainSnapshot | undefined): string {
  const { stats } = context;
  const lines = [
    `# Context of chain ${context.chainId}`,
    '',
    ...(chain ? [`Request: ${chain.request.replace(/\s+/g, ' ')}`, `Status: ${chain.status}`, ''] : []),
    '## Stats',
    '',
    `- Results stored: ${stats.results}`,
    `- History entries: ${stats.historyLength}`,
    `- Result bytes: ${stats.resultBytes}`,
    `- TTL remaining: ${stats.ttlSeconds === -2 ? 'expired (nothing left in Redis)' : duration(stats.ttlSeconds)}`,
    '',
    '## Results',
    '',
  ];
  if (context.results.length === 0) lines.push('No task has stored a result yet.', '');
  for (const result of context.results) {
    lines.push(
      `### ${result.title.replace(/\s+/g, ' ')} (${result.taskId})`,
      '',
      `Completed ${result.completedAt} · ${result.usage.inputTokens + result.usage.outputTokens} tokens · ${formatCost(result.usage.costUsd)}`,
      '',
      fenced(result.summary),
      '',
      ...(result.files.length > 0
        ? ['Files:', ...result.files.map((file) => `- ${file.path} (${file.bytes} bytes)`)]
        : []),
      '',
    );
  }
  lines.push('## History', '');
  if (context.history.length === 0) lines.push('No history yet.');
  for (const entry of context.history)
    lines.push(`- ${entry.at} ${entry.type}${entry.taskId ? ` ${entry.taskId}` : ''}`);
  return `${lines.join('\n')}\n`;
}

export function taskContextReport(chain: ChainSnapshot, taskId: string, output: string | undefined): string {
  const task = chain.tasks.find((candidate) => candidate.id === taskId);
  if (!task) return `# Task ${taskId}\n\nChain ${chain.chainId} has no task "${taskId}".\n`;
  const lines = [
    `# ${task.title.replace(/\s+/g, ' ')} (${task.id})`,
    '',
    `Status: ${task.status} · attempts: ${task.attempts}`,
    ...(task.template ? [`Template: ${task.template.name} v${task.template.version}`] : []),
    ...(task.usage
      ? [
          `Usage: ${task.usage.inputTokens} in / ${task.usage.outputTokens} out tokens · ${formatCost(task.usage.costUsd)}`,
        ]
      : []),
    ...(task.error ? ['', '## Error', '', fenced(task.error)] : []),
    '',
    '## Context received',
    '',
  ];
  const received = task.context?.tasks ?? [];
  if (received.length === 0 && task.dependsOn.length === 0) {
    lines.push('Nothing: this task depends on no other task.', '');
  } else if (received.length === 0) {
    // Context is stored when the task starts (and expires with the chain's keys).
    lines.push(
      `Nothing recorded: the task depends on ${task.dependsOn.join(', ')}, but has not received its context yet (or it expired).`,
      '',
    );
  } else lines.push(`About ${task.context?.approxTokens ?? 0} tokens from ${received.length} task(s).`, '');
  for (const from of received) {
    lines.push(
      `### From ${from.title.replace(/\s+/g, ' ')} (${from.taskId}, ${from.relation})`,
      '',
      fenced(from.summary),
      '',
    );
    for (const file of from.files)
      lines.push(`- ${file.path}${file.included ? '' : ' (listed, content not included)'}`);
    lines.push('');
  }
  lines.push('## Output', '', task.summary ? fenced(task.summary) : output ? fenced(output) : 'No output yet.', '');
  if (task.files.length > 0) {
    lines.push(
      '## Files',
      '',
      ...task.files.map((file) => `- ${file.path}: ${file.action}${file.reason ? ` (${file.reason})` : ''}`),
    );
  }
  return `${lines.join('\n')}\n`;
}
