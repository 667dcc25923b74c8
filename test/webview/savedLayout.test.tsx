import './setupDom';
import { strict as assert } from 'node:assert';
import { render, screen } from '@testing-library/react';
import { LayoutCache, layoutKey, type GraphLayout } from '../../webview-ui/src/graph/layout';
import { restoreLayout, saveLayout, type LayoutStore, type SavedLayout } from '../../webview-ui/src/graph/savedLayout';
import { TaskGraph } from '../../webview-ui/src/graph/TaskGraph';
import { WebviewMessage } from '../../webview-ui/src/protocol';
import { connectToVsCode } from '../../webview-ui/src/vscodeApi';
import { generateTasks } from './fixtures';

/** VS Code's webview state as a page sees it: whatever was saved last, through JSON. */
class FakeState implements LayoutStore {
  saved: string | undefined;
  saves = 0;
  load(): unknown {
    return this.saved === undefined ? undefined : JSON.parse(this.saved);
  }
  save(layout: SavedLayout): void {
    this.saved = JSON.stringify(layout);
    this.saves += 1;
  }
  get settings(): string {
    return (this.load() as SavedLayout).settings;
  }
}

/** Lays the tasks out in a page of the panel and saves the layout, as TaskGraph does once drawn. */
function drawn(state: FakeState, tasks = generateTasks(120)): GraphLayout {
  const cache = new LayoutCache(state);
  const layout = cache.layout(tasks);
  cache.save(layout);
  return layout;
}

describe('webview saved layout', () => {
  const tasks = generateTasks(120);

  it('survives JSON: positions, bends and size come back as they were laid out', () => {
    const state = new FakeState();
    const laidOut = drawn(state, tasks);
    assert.equal(state.saves, 1);
    assert.ok(laidOut.bends.size > 0, 'the graph has edges spanning layers');

    const restored = restoreLayout(state.load(), {
      key: layoutKey(tasks),
      direction: 'RIGHT',
      settings: state.settings,
    });
    assert.ok(restored);
    assert.deepEqual(restored.positions, laidOut.positions);
    assert.deepEqual(restored.bends, laidOut.bends);
    assert.equal(restored.width, laidOut.width);
    assert.equal(restored.height, laidOut.height);
  });

  it('lets the next page of the panel draw the same graph without laying it out, or saving it again', () => {
    const state = new FakeState();
    const laidOut = drawn(state, tasks);

    const next = new LayoutCache(state);
    const shown = next.layout(tasks.map((task) => ({ ...task, status: 'succeeded' as const })));
    assert.equal(next.runs, 0, 'no layout ran');
    assert.deepEqual(shown.positions, laidOut.positions);
    next.save(shown);
    next.save(shown);
    assert.equal(state.saves, 1, 'nothing new to save');
  });

  it('lays out afresh, and saves, a graph of another shape or direction', () => {
    const state = new FakeState();
    drawn(state, tasks);

    const grown = new LayoutCache(state);
    const withRepair = [...tasks, { ...tasks[0]!, id: 'repair-1', dependsOn: ['t119'] }];
    const regrown = grown.layout(withRepair);
    assert.ok(regrown.positions.has('repair-1'));
    assert.equal(grown.runs, 1);
    grown.save(regrown);
    assert.equal(state.saves, 2);

    const downwards = new LayoutCache(state);
    downwards.layout(withRepair, 'DOWN');
    assert.equal(downwards.runs, 1, 'a layout for the other direction is not reused');
  });

  it('ignores a saved state that is not a whole layout of this graph, with these settings', () => {
    const saved = saveLayout(new LayoutCache().layout(tasks), 'settings');
    const wanted = { key: layoutKey(tasks), direction: 'RIGHT', settings: 'settings' } as const;
    assert.ok(restoreLayout(saved, wanted), 'the saved layout itself is accepted');
    const broken: unknown[] = [
      undefined,
      null,
      'layout',
      { ...saved, version: 0 },
      { ...saved, settings: 'other node sizes' },
      { ...saved, key: layoutKey(tasks.slice(1)) },
      { ...saved, direction: 'DOWN' },
      { ...saved, positions: 'none' },
      { ...saved, positions: [['t0', 1, Number.NaN]] },
      { ...saved, bends: [['edge', [1, 2, 3]]] },
      { ...saved, width: '10' },
    ];
    for (const candidate of broken) {
      assert.equal(restoreLayout(candidate, wanted), undefined, JSON.stringify(candidate)?.slice(0, 80));
    }
    // This graph's key with tasks missing (a state cut short): the cache lays the graph out again.
    const state = new FakeState();
    drawn(state, tasks);
    const whole = state.load() as SavedLayout;
    state.save({ ...whole, positions: whole.positions.slice(0, 10) });
    const cache = new LayoutCache(state);
    assert.equal(cache.layout(tasks).positions.size, 120);
    assert.equal(cache.runs, 1);
  });

  it('draws a restored layout where it was laid out; a fresh one is saved once drawn', async () => {
    const state = new FakeState();
    const fresh = new LayoutCache(state);
    const { unmount } = render(
      <TaskGraph tasks={tasks} selectedTaskId={undefined} onSelect={() => {}} layoutCache={fresh} />,
    );
    await screen.findByTestId('task-node-t119');
    assert.equal(fresh.runs, 1);
    assert.equal(state.saves, 1, 'saved after drawing');
    const laidOut = fresh.layout(tasks);
    unmount();

    const next = new LayoutCache(state);
    render(<TaskGraph tasks={tasks} selectedTaskId={undefined} onSelect={() => {}} layoutCache={next} />);
    await screen.findByTestId('task-node-t119');
    assert.equal(next.runs, 0);
    assert.equal(state.saves, 1);
    // Fitted, 120 tasks are drawn as light boxes (levelOfDetail.test.tsx), each where it was laid out.
    assert.equal(document.querySelectorAll('[data-testid^="task-node-"]').length, 120);
    const position = laidOut.positions.get('t42')!;
    assert.equal(screen.getByTestId('task-node-t42').style.transform, `translate(${position.x}px,${position.y}px)`);
  });

  it('keeps the layout in VS Code’s state beside whatever else the page keeps there', () => {
    let state: unknown = 'not an object';
    let acquired = 0;
    const posted: unknown[] = [];
    Object.assign(globalThis, {
      acquireVsCodeApi: () => {
        acquired += 1;
        return {
          postMessage: (message: unknown) => posted.push(message),
          getState: () => state,
          setState: (next: unknown) => (state = next),
        };
      },
    });
    try {
      const { messenger, layoutStore } = connectToVsCode();
      assert.equal(layoutStore.load(), undefined, 'a state that is not an object holds no layout');
      const saved = saveLayout(new LayoutCache().layout(tasks.slice(0, 5)), 'settings');
      state = { scroll: 12 };
      layoutStore.save(saved);
      assert.deepEqual(state, { scroll: 12, layout: saved });
      assert.deepEqual(layoutStore.load(), saved);
      messenger.post({ type: WebviewMessage.ready });
      assert.deepEqual(posted, [{ type: WebviewMessage.ready }]);
      assert.equal(acquired, 1, 'VS Code’s API is acquired once');
    } finally {
      Reflect.deleteProperty(globalThis, 'acquireVsCodeApi');
    }
  });
});
