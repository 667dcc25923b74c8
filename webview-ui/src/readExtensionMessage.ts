import { ExtensionMessage, type ExtensionToWebviewMessage } from './protocol';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * The extension's message carried by a `message` event, or undefined for anything else (other
 * frames and extensions can post to the window too). Checks the envelope, not the whole
 * snapshot: the extension is trusted, stray messages are not.
 */
export function readExtensionMessage(event: Event): ExtensionToWebviewMessage | undefined {
  const data: unknown = (event as MessageEvent<unknown>).data;
  if (!isRecord(data)) return undefined;
  if (data.type === ExtensionMessage.snapshot) {
    const chain = data.chain;
    if (typeof data.version !== 'number' || !isRecord(chain)) return undefined;
    if (typeof chain.chainId !== 'string' || !Array.isArray(chain.tasks)) return undefined;
    return data as unknown as ExtensionToWebviewMessage;
  }
  if (data.type === ExtensionMessage.taskOutput) {
    if (typeof data.chainId !== 'string' || typeof data.taskId !== 'string' || typeof data.text !== 'string') {
      return undefined;
    }
    return data as unknown as ExtensionToWebviewMessage;
  }
  return undefined;
}
