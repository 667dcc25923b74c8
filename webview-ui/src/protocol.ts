/**
 * The extension ↔ task-graph webview protocol (postMessage). Message names live here once.
 * The extension validates every message from the webview with `parseWebviewMessage`: a
 * webview is untrusted content as far as the extension is concerned.
 */
import * as z from 'zod/mini';
import type { ChainSnapshot } from '../../server/src/chainSnapshot';

export type { ChainSnapshot, TaskSnapshot } from '../../server/src/chainSnapshot';

export const WebviewMessage = {
  /** The webview is listening; the extension answers with the newest snapshot. */
  ready: 'ready',
  /** Open one of a task's files in an editor. */
  openFile: 'openFile',
  /** Run a failed, skipped or cancelled task again. */
  retryTask: 'retryTask',
  /** Stop the chain. */
  cancelChain: 'cancelChain',
  /** Show the chain's context (the accumulator's content), optionally at one task. */
  inspectContext: 'inspectContext',
} as const;

export const ExtensionMessage = {
  /** The whole chain, replacing any earlier snapshot with a smaller version number. */
  snapshot: 'snapshot',
  /** The text a running task has streamed so far (replaces the earlier text of that task). */
  taskOutput: 'taskOutput',
} as const;

export type ExtensionToWebviewMessage =
  | { readonly type: typeof ExtensionMessage.snapshot; readonly version: number; readonly chain: ChainSnapshot }
  | {
      readonly type: typeof ExtensionMessage.taskOutput;
      readonly chainId: string;
      readonly taskId: string;
      readonly text: string;
    };

/**
 * Built on first use rather than when the module loads: only the extension parses messages, so
 * the webview bundle, which imports this module for the message names, leaves zod out.
 */
function webviewMessageSchema() {
  const id = z.string().check(z.regex(/^[a-z0-9][a-z0-9_-]{0,63}$/));
  return z.discriminatedUnion('type', [
    z.object({ type: z.literal(WebviewMessage.ready) }),
    z.object({
      type: z.literal(WebviewMessage.openFile),
      chainId: id,
      taskId: id,
      path: z.string().check(z.minLength(1), z.maxLength(1024)),
    }),
    z.object({ type: z.literal(WebviewMessage.retryTask), chainId: id, taskId: id }),
    z.object({ type: z.literal(WebviewMessage.cancelChain), chainId: id }),
    z.object({ type: z.literal(WebviewMessage.inspectContext), chainId: id, taskId: z.optional(id) }),
  ]);
}

let schema: ReturnType<typeof webviewMessageSchema> | undefined;

export type WebviewToExtensionMessage = z.infer<ReturnType<typeof webviewMessageSchema>>;

/** The message if it is one the webview may send, else undefined (the caller logs and drops it). */
export function parseWebviewMessage(data: unknown): WebviewToExtensionMessage | undefined {
  schema ??= webviewMessageSchema();
  const parsed = schema.safeParse(data);
  return parsed.success ? parsed.data : undefined;
}
