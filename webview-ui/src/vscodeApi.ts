import type { WebviewToExtensionMessage } from './protocol';

interface VsCodeApi {
  postMessage(message: WebviewToExtensionMessage): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The webview's one way to talk to the extension; tests replace it with their own. */
export interface Messenger {
  post(message: WebviewToExtensionMessage): void;
}

export function createVsCodeMessenger(): Messenger {
  const api = acquireVsCodeApi();
  return { post: (message) => api.postMessage(message) };
}
