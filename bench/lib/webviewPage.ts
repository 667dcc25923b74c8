/**
 * The page side of bench/webview.ts: what runs in Chromium (the `acquireVsCodeApi` stand-in and
 * the measurements, as plain JavaScript because bench/ is type-checked without the DOM library),
 * the bundles it loads, and the server that hands them out in the extension's own HTML.
 */
import { createServer } from 'node:http';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { taskGraphHtml } from '../../extension/src/webview/taskGraphHtml';
import type { ChainSnapshot, TaskSnapshot } from '../../server/src/chainSnapshot';

const ROOT = path.resolve(__dirname, '..', '..');

/** What PAGE_HARNESS and LAYOUT_TIMING_ENTRY put on `globalThis` (the bench's only way into the page). */
export interface FirstRender {
  /** All nodes and edges in the DOM. */
  readonly domMs: number;
  /** The first frame painted with all of them, and the first painted with the final (fitted) view. */
  readonly firstPaintMs: number;
  readonly paintedMs: number;
  readonly layoutMs: number[];
}
export interface UpdatePlan {
  readonly chain: ChainSnapshot;
  readonly firstVersion: number;
  /** Per update: task index, status index, task index, status index… */
  readonly changes: number[][];
  readonly statuses: readonly string[];
  readonly intervalMs: number;
}
export interface UpdateRun {
  /** Per update, ms from posting it to the DOM showing it (or a later status of the same task); -1 if never. */
  readonly latency: number[];
  /** How late each post was against its 20 ms schedule (a busy main thread shows here). */
  readonly lag: number[];
  readonly frames: number[];
  /** Commits of React that changed a node's status. */
  readonly renders: number;
  readonly shown: Record<string, string>;
  readonly postingMs: number;
  readonly layoutsDuring: number;
}
export interface HarnessGlobal {
  readonly __bench: {
    readyAt?: number;
    savedState?: unknown;
    firstRender(arg: { message: unknown; edges: number }): Promise<FirstRender>;
    runUpdates(plan: UpdatePlan): Promise<UpdateRun>;
  };
  readonly benchLayouts: { time(engine: string, tasks: readonly TaskSnapshot[], repeats: number): number[] };
}

/**
 * Runs in the page before the bundle (an init script, so the page's CSP does not apply): the
 * `acquireVsCodeApi` VS Code would inject, and the measurements, in plain JavaScript because
 * this file is type-checked without the DOM library.
 */
export const PAGE_HARNESS = String.raw`(() => {
  const bench = (globalThis.__bench = {});
  globalThis.acquireVsCodeApi = () => ({
    postMessage(message) {
      if (message && message.type === 'ready' && bench.readyAt === undefined) bench.readyAt = performance.now();
    },
    // VS Code's state for the panel: what an earlier page saved (initialStateScript), and the last save.
    getState: () => bench.savedState ?? globalThis.__benchInitialState,
    setState(state) {
      // VS Code copies the state to the extension host: a copy costs what that serialising costs.
      bench.savedState = JSON.parse(JSON.stringify(state));
    },
  });
  const taskNodes = () => document.querySelectorAll('[data-testid^="task-node-"]');
  const idOf = (element) => element.getAttribute('data-testid').slice('task-node-'.length);
  // After the next frame's paint: a task queued from requestAnimationFrame runs once it is drawn.
  const painted = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(() => resolve(performance.now()))));
  const layouts = () => performance.getEntriesByName('takoss:layout').map((entry) => entry.duration);

  // Done when every node and edge is in the DOM, the view has its final (fitted) transform, and a
  // frame showing that has been painted: a graph drawn at 100 % and fitted later is not done then.
  bench.firstRender = ({ message, edges }) =>
    new Promise((resolve) => {
      const count = message.chain.tasks.length;
      // Every task drawn: as a React Flow node (visible: measured and placed) or, zoomed out on a
      // large graph, as a light box (TaskBoxes).
      const complete = () => {
        if (taskNodes().length < count) return false;
        if (Number(document.querySelector('.task-edges')?.getAttribute('data-edge-count')) < edges) return false;
        for (const wrapper of document.querySelectorAll('.react-flow__node')) {
          if (wrapper.style.visibility === 'hidden') return false;
        }
        return true;
      };
      let start = 0;
      let completeAt;
      let firstPaint;
      let shown;
      let shownPainted;
      let lastMutation = 0;
      const observer = new MutationObserver(() => {
        lastMutation = performance.now();
        if (!complete()) return;
        completeAt ??= lastMutation;
        const transform = document.querySelector('.react-flow__viewport').style.transform;
        if (transform === shown) return;
        shown = transform;
        shownPainted = undefined;
        void painted().then((at) => {
          firstPaint ??= at;
          if (shown === transform) shownPainted ??= at;
        });
      });
      observer.observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['style'] });
      const settle = () => {
        const now = performance.now();
        if (shownPainted === undefined || now - lastMutation < 600) {
          if (now - start < 5000) return void setTimeout(settle, 50);
        }
        observer.disconnect();
        resolve({
          domMs: (completeAt ?? Number.NaN) - start,
          firstPaintMs: (firstPaint ?? Number.NaN) - start,
          paintedMs: (shownPainted ?? Number.NaN) - start,
          layoutMs: layouts(),
        });
      };
      start = performance.now();
      window.postMessage(message, '*');
      setTimeout(settle, 50);
    });

  bench.runUpdates = async ({ chain, firstVersion, changes, statuses, intervalMs }) => {
    const pending = new Map();
    const left = changes.map((list) => list.length / 2);
    const postedAt = [];
    const latency = changes.map(() => -1);
    let renders = 0;
    const observer = new MutationObserver((records) => {
      const now = performance.now();
      let changed = false;
      for (const record of records) {
        const queue = pending.get(idOf(record.target));
        if (!queue) continue;
        const status = record.target.getAttribute('data-status');
        let last = -1;
        queue.forEach((entry, at) => (last = entry.status === status ? at : last));
        if (last < 0) continue;
        changed = true;
        // Shown, and so are the earlier changes of this task it replaced (coalesced, not lost).
        for (const entry of queue.splice(0, last + 1)) {
          if (--left[entry.update] === 0) latency[entry.update] = now - postedAt[entry.update];
        }
      }
      if (changed) renders++;
    });
    observer.observe(document.querySelector('.react-flow'), { subtree: true, attributes: true, attributeFilter: ['data-status'] });
    const frames = [];
    let framing = true;
    const frame = (at) => {
      frames.push(at);
      if (framing) requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    const layoutsBefore = layouts().length;
    const lag = [];
    let tasks = chain.tasks;
    const start = performance.now() + intervalMs;
    for (let update = 0; update < changes.length; update++) {
      const due = start + update * intervalMs;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      tasks = tasks.slice();
      const list = changes[update];
      for (let at = 0; at < list.length; at += 2) {
        const task = tasks[list[at]];
        const status = statuses[list[at + 1]];
        tasks[list[at]] = { ...task, status };
        if (!pending.has(task.id)) pending.set(task.id, []);
        pending.get(task.id).push({ update, status });
      }
      postedAt[update] = performance.now();
      lag.push(postedAt[update] - due);
      window.postMessage({ type: 'snapshot', version: firstVersion + update, chain: { ...chain, tasks } }, '*');
    }
    const postingMs = performance.now() - start;
    const giveUp = performance.now() + 5000;
    while (left.some((count) => count > 0) && performance.now() < giveUp) await painted();
    await painted();
    framing = false;
    observer.disconnect();
    const shown = {};
    for (const element of taskNodes()) shown[idOf(element)] = element.getAttribute('data-status');
    return { latency, lag, frames, renders, shown, postingMs, layoutsDuring: layouts().length - layoutsBefore };
  };
})();`;

/** Run before PAGE_HARNESS: the page starts with `state` as VS Code's saved state for the panel. */
export const initialStateScript = (state: unknown): string =>
  `globalThis.__benchInitialState = ${JSON.stringify(state)};`;

/**
 * For a fresh page: today's layout (dagre with the webview's options, see
 * webview-ui/src/graph/layout.ts) and, as the same-run baseline, dagre with its default options
 * (network-simplex ranker) on the same graph, spacing and direction.
 */
export const LAYOUT_TIMING_ENTRY = String.raw`
import { Graph, layout } from '@dagrejs/dagre';
import { computeLayout } from './webview-ui/src/graph/layout';
const engines = {
  takoss: (tasks) => computeLayout(tasks, 'RIGHT'),
  dagreDefaults: (tasks) => {
    const graph = new Graph();
    graph.setGraph({ rankdir: 'LR', nodesep: 28, ranksep: 72 });
    const ids = new Set(tasks.map((task) => task.id));
    for (const task of tasks) graph.setNode(task.id, { width: 240, height: 84 });
    for (const task of tasks) {
      for (const from of new Set(task.dependsOn)) if (ids.has(from) && from !== task.id) graph.setEdge(from, task.id, {});
    }
    layout(graph);
  },
};
globalThis.benchLayouts = {
  time(engine, tasks, repeats) {
    const times = [];
    for (let run = 0; run < repeats; run++) {
      const started = performance.now();
      engines[engine](tasks);
      times.push(performance.now() - started);
    }
    return times;
  },
};`;

export interface Bundle {
  readonly js: string;
  readonly css: string;
  /** Minified bytes of the script that come from each input file (esbuild's metafile). */
  readonly bytesFrom: Readonly<Record<string, number>>;
}

/** The webview bundle with the options of the webview block of scripts/build.mjs, `--production`. */
export async function buildWebview(entry: { file: string } | { source: string }): Promise<Bundle> {
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    bundle: true,
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    jsx: 'automatic',
    define: { TAKOSS_BUILD_VERSION: JSON.stringify('bench'), 'process.env.NODE_ENV': JSON.stringify('production') },
    ...('file' in entry ? { entryPoints: [entry.file] } : { stdin: { contents: entry.source, resolveDir: ROOT } }),
    outdir: 'bench-out',
    write: false,
    metafile: true,
  });
  const text = (extension: string) => result.outputFiles.find((file) => file.path.endsWith(extension))?.text ?? '';
  const script = Object.entries(result.metafile.outputs).find(([file]) => file.endsWith('.js'))?.[1];
  const bytesFrom = Object.fromEntries(
    Object.entries(script?.inputs ?? {}).map(([input, { bytesInOutput }]) => [input, bytesInOutput]),
  );
  return { js: text('.js'), css: text('.css'), bytesFrom };
}

/** Serves the bundle at `/` in the HTML the extension gives a task-graph panel, on 127.0.0.1. */
export async function serve(bundle: Bundle): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    const origin = `http://${request.headers.host ?? '127.0.0.1'}`;
    const files: Record<string, [string, string]> = {
      '/': [
        'text/html',
        taskGraphHtml({ cspSource: origin, scriptUri: '/main.js', styleUri: '/main.css', title: 'Task graph' }),
      ],
      '/main.js': ['text/javascript', bundle.js],
      '/main.css': ['text/css', bundle.css],
    };
    const file = files[request.url ?? ''];
    response.writeHead(file ? 200 : 404, { 'content-type': file?.[0] ?? 'text/plain' });
    response.end(file?.[1] ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
