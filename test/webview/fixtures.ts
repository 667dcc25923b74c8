import type { ChainSnapshot, ExtensionToWebviewMessage, TaskSnapshot } from '../../webview-ui/src/protocol';
import type { Messenger } from '../../webview-ui/src/vscodeApi';
import { chainSnapshot, taskSnapshot, usageOf } from '../helpers/snapshots';

type WebviewToExtension = Parameters<Messenger['post']>[0];

export function makeTask(task: Partial<TaskSnapshot> & Pick<TaskSnapshot, 'id'>): TaskSnapshot {
  return taskSnapshot(task.id, { description: '', category: 'code', ...task });
}

export function makeChain(tasks: readonly TaskSnapshot[], chain: Partial<ChainSnapshot> = {}): ChainSnapshot {
  return chainSnapshot(tasks, {
    createdAt: '2025-01-01T10:00:00.000Z',
    usage: usageOf({ inputTokens: 1200, outputTokens: 340, costUsd: 0.0123 }),
    ...chain,
  });
}

export function snapshotMessage(version: number, chain: ChainSnapshot): ExtensionToWebviewMessage {
  return { type: 'snapshot', version, chain };
}

/** Records what the webview posts instead of sending it to an extension. */
export class FakeMessenger implements Messenger {
  readonly posted: WebviewToExtension[] = [];
  post(message: WebviewToExtension): void {
    this.posted.push(message);
  }
}

/** A deterministic DAG: every task depends on one to three earlier ones (none for the first few). */
export function generateTasks(count: number, seed = 42): TaskSnapshot[] {
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const tasks: TaskSnapshot[] = [];
  for (let index = 0; index < count; index++) {
    const dependsOn = new Set<string>();
    if (index >= 3) {
      const wanted = 1 + Math.floor(random() * 3);
      // Mostly recent tasks, so the graph is deep rather than a star.
      for (let n = 0; n < wanted; n++) dependsOn.add(`t${Math.max(0, index - 1 - Math.floor(random() * 12))}`);
    }
    tasks.push(makeTask({ id: `t${index}`, dependsOn: [...dependsOn] }));
  }
  return tasks;
}
