/** Chain snapshots for tests of what the extension and the webview make of them. */
import type { ChainSnapshot, TaskSnapshot, UsageView } from '../../server/src/chainSnapshot';

export function usageOf(usage: Partial<UsageView> = {}): UsageView {
  return { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0, ...usage };
}

export function taskSnapshot(id: string, extra: Partial<TaskSnapshot> = {}): TaskSnapshot {
  return {
    id,
    title: `Task ${id}`,
    description: `Build ${id}`,
    category: 'backend',
    dependsOn: [],
    status: 'waiting',
    attempts: 0,
    files: [],
    ...extra,
  };
}

export function chainSnapshot(tasks: readonly TaskSnapshot[], extra: Partial<ChainSnapshot> = {}): ChainSnapshot {
  return {
    chainId: 'chain-1',
    request: 'Build a todo app',
    workspace: '/work/todo',
    model: 'claude-test',
    status: 'running',
    createdAt: '2025-03-10T12:00:00.000Z',
    usage: usageOf(),
    tasks,
    ...extra,
  };
}
