/**
 * The extension's check of what a task-graph webview asks for. A webview runs content the
 * extension does not control (task titles, file names and output come from a model), so each
 * message is parsed against the protocol and then held to the panel's own chain: a panel may
 * only act on its chain, on tasks of that chain, and open files that task wrote. Pure, so the
 * refusals are unit-tested.
 */
import type { ChainSnapshot } from '../../../server/src/chainSnapshot';
import { displayPath, validateProposedPath } from '../../../server/src/workspace/pathPolicy';
import { parseWebviewMessage, WebviewMessage, type WebviewToExtensionMessage } from '../../../webview-ui/src/protocol';

export type GraphMessageVerdict =
  { readonly ok: true; readonly message: WebviewToExtensionMessage } | { readonly ok: false; readonly reason: string };

const refuse = (reason: string): GraphMessageVerdict => ({ ok: false, reason });

/** Files a task may open from the graph: those it produced that exist in the workspace. */
const OPENABLE = new Set(['created', 'updated', 'unchanged', 'skipped']);

export function checkGraphMessage(data: unknown, chain: ChainSnapshot): GraphMessageVerdict {
  const message = parseWebviewMessage(data);
  if (!message) return refuse(`not a task-graph message: ${describe(data)}`);
  if (message.type === WebviewMessage.ready) return { ok: true, message };
  if (message.chainId !== chain.chainId) {
    return refuse(`the panel of chain ${chain.chainId} asked about chain ${message.chainId}`);
  }
  if (message.type === WebviewMessage.cancelChain) return { ok: true, message };
  if (message.type === WebviewMessage.inspectContext && message.taskId === undefined) return { ok: true, message };
  const task = chain.tasks.find((candidate) => candidate.id === message.taskId);
  if (!task) return refuse(`chain ${chain.chainId} has no task "${message.taskId ?? ''}"`);
  if (message.type !== WebviewMessage.openFile) return { ok: true, message };
  const verdict = validateProposedPath(message.path);
  if (!verdict.ok) return refuse(verdict.reason);
  const file = task.files.find((candidate) => candidate.path === verdict.path);
  if (!file || !OPENABLE.has(file.action)) {
    return refuse(`task "${task.id}" did not write "${verdict.path}", so the graph may not open it`);
  }
  return { ok: true, message: { ...message, path: verdict.path } };
}

/** A short, log-safe description of a refused message (its type, never its content). */
function describe(data: unknown): string {
  if (typeof data !== 'object' || data === null) return typeof data;
  const type = (data as { type?: unknown }).type;
  // The type is the webview's text: control and bidi characters are escaped so it cannot forge a log line.
  return typeof type === 'string'
    ? `type "${displayPath(type.slice(0, 40))}" with unexpected fields`
    : 'an object without a type';
}
