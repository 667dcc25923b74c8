/**
 * A jsdom browser for the webview tests. Imported first by every webview test file: react-dom and
 * @testing-library read `window`/`document` when they load, so the globals must exist before.
 * Installs once per mocha process (the module is cached; `npm run test:webview` runs these
 * tests in their own process so no other test sees a browser) and puts back every global it replaced
 * when the run ends.
 */
import { JSDOM } from 'jsdom';
import * as React from 'react';

const dom = new JSDOM('<!doctype html><html><body></body></html>', {
  url: 'https://takoss.webview.test/',
  pretendToBeVisual: true,
});
const { window } = dom;

/** React Flow observes the container and every node; jsdom has no layout, so nothing ever resizes. */
class ResizeObserverStub {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}

/** React Flow reads the zoom from the viewport's transform matrix; only the scale matters here. */
class DOMMatrixReadOnlyStub {
  readonly m22: number;
  constructor(transform?: string) {
    const scale = /scale\(([\d.]+)\)/.exec(transform ?? '');
    this.m22 = scale?.[1] ? Number(scale[1]) : 1;
  }
}

// The graph needs a size to fit its nodes into; jsdom reports 0 for every element.
const VIEW_WIDTH = 1200;
const VIEW_HEIGHT = 800;
for (const [property, value] of [
  ['offsetWidth', VIEW_WIDTH],
  ['offsetHeight', VIEW_HEIGHT],
  ['clientWidth', VIEW_WIDTH],
  ['clientHeight', VIEW_HEIGHT],
] as const) {
  Object.defineProperty(window.HTMLElement.prototype, property, { configurable: true, get: () => value });
}

const extras: Record<string, unknown> = {
  ResizeObserver: ResizeObserverStub,
  DOMMatrixReadOnly: DOMMatrixReadOnlyStub,
};
for (const [name, value] of Object.entries(extras)) {
  Object.defineProperty(window, name, { configurable: true, writable: true, value });
}

const globals = globalThis as unknown as Record<string, unknown>;
const replaced = new Map<string, PropertyDescriptor | undefined>();
function install(name: string, value: unknown): void {
  replaced.set(name, Object.getOwnPropertyDescriptor(globalThis, name));
  Object.defineProperty(globalThis, name, { configurable: true, writable: true, value });
}
// Only what Node lacks: replacing Node's own Event, EventTarget, MessageEvent… would break Node code.
for (const name of Object.getOwnPropertyNames(window)) {
  if (name in globalThis || name.startsWith('_')) continue;
  install(name, (window as unknown as Record<string, unknown>)[name]);
}
for (const name of ['window', 'self', 'document', 'navigator'] as const) {
  if (!replaced.has(name)) install(name, window[name]);
}
install('IS_REACT_ACT_ENVIRONMENT', true);
// tsx compiles TSX with the root tsconfig.json, which sets no `jsx`, so esbuild emits the classic
// `React.createElement` for tests and components alike (the bundle uses the automatic runtime).
// Setting `"jsx": "react-jsx"` in the root tsconfig.json would make this unnecessary.
install('React', React);

after(() => {
  for (const [name, original] of replaced) {
    if (original) Object.defineProperty(globalThis, name, original);
    else delete globals[name];
  }
  window.close();
});

export { window as domWindow };
