import type { LayoutStore, SavedLayout } from './graph/savedLayout';
import type { WebviewToExtensionMessage } from './protocol';

/** What the webview keeps in VS Code's state for its panel (see savedLayout.ts). */
interface WebviewState {
  readonly layout?: SavedLayout;
}

interface VsCodeApi {
  postMessage(message: WebviewToExtensionMessage): void;
  getState(): unknown;
  setState(state: WebviewState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The webview's one way to talk to the extension; tests replace it with their own. */
export interface Messenger {
  post(message: WebviewToExtensionMessage): void;
}

/** VS Code's API for this page (it may be acquired only once): its messenger and its layout store. */
export function connectToVsCode(): { messenger: Messenger; layoutStore: LayoutStore } {
  const api = acquireVsCodeApi();
  const state = (): Record<string, unknown> => {
    const saved = api.getState();
    return typeof saved === 'object' && saved !== null ? (saved as Record<string, unknown>) : {};
  };
  return {
    messenger: { post: (message) => api.postMessage(message) },
    layoutStore: {
      load: () => state().layout,
      save: (layout) => api.setState({ ...state(), layout }),
    },
  };
}
