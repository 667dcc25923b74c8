/**
 * The extension ↔ task-graph webview protocol (postMessage). Message names live here once;
 * the extension validates every message from the webview with `parseWebviewMessage`, since
 * a webview is untrusted content as far as the extension is concerned.
 */
import * as z from 'zod/mini';

export const WebviewMessage = {
  /** The webview is listening; the extension answers with the newest snapshot. */
  ready: 'ready',
} as const;

export const ExtensionMessage = {
  /** The whole graph, replacing any earlier one with a smaller version number. */
  snapshot: 'snapshot',
} as const;

export const TASK_STATUSES = ['waiting', 'queued', 'running', 'succeeded', 'failed', 'cancelled', 'skipped'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export interface TaskNodeSnapshot {
  readonly id: string;
  readonly title: string;
  readonly status: TaskStatus;
  readonly dependsOn: readonly string[];
}

export interface GraphSnapshot {
  /** Increases with every snapshot of a chain; older ones are ignored. */
  readonly version: number;
  readonly chainId: string;
  readonly request: string;
  readonly tasks: readonly TaskNodeSnapshot[];
}

export type ExtensionToWebviewMessage = {
  readonly type: typeof ExtensionMessage.snapshot;
  readonly snapshot: GraphSnapshot;
};

const webviewMessageSchema = z.discriminatedUnion('type', [z.object({ type: z.literal(WebviewMessage.ready) })]);

export type WebviewToExtensionMessage = z.infer<typeof webviewMessageSchema>;

/** The message if it is one the webview may send, else undefined (the caller logs and drops it). */
export function parseWebviewMessage(data: unknown): WebviewToExtensionMessage | undefined {
  const parsed = webviewMessageSchema.safeParse(data);
  return parsed.success ? parsed.data : undefined;
}
