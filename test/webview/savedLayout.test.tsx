import './setupDom';
import { strict as assert } from 'node:assert';
import { render, screen } from '@testing-library/react';
import { LayoutCache, layoutKey } from '../../webview-ui/src/graph/layout';
import { restoreLayout, saveLayout, type LayoutStore, type SavedLayout } from '../../webview-ui/src/graph/savedLayout';
import { TaskGraph } from '../../webview-ui/src/graph/TaskGraph';
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
}

describe('webview saved layout', () => {
  const tasks = generateTasks(120);

  it('survives JSON: positions, bends and size come back as they were laid out', () => {
    const state = new FakeState();
    const laidOut = new LayoutCache(state).layout(tasks);
    assert.equal(state.saves, 1);
    assert.ok(laidOut.bends.size > 0, 'the graph has edges spanning layers');

    const restored = restoreLayout(state.load(), layoutKey(tasks), 'RIGHT');
    assert.ok(restored);
    assert.deepEqual(restored.positions, laidOut.positions);
    assert.deepEqual(restored.bends, laidOut.bends);
    assert.equal(restored.width, laidOut.width);
    assert.equal(restored.height, laidOut.height);
  });

  it('lets the next page of the panel draw the same graph without laying it out', () => {
    const state = new FakeState();
    const first = new LayoutCache(state);
    const laidOut = first.layout(tasks);

    const next = new LayoutCache(state);
    const shown = next.layout(tasks.map((task) => ({ ...task, status: 'succeeded' as const })));
    assert.equal(next.runs, 0, 'no layout ran');
    assert.deepEqual(shown.positions, laidOut.positions);
    assert.equal(state.saves, 1, 'nothing new to save');
  });

  it('lays out afresh, and saves, a graph of another shape or direction', () => {
    const state = new FakeState();
    new LayoutCache(state).layout(tasks);

    const grown = new LayoutCache(state);
    const withRepair = [...tasks, { ...tasks[0]!, id: 'repair-1', dependsOn: ['t119'] }];
    assert.ok(grown.layout(withRepair).positions.has('repair-1'));
    assert.equal(grown.runs, 1);
    assert.equal(state.saves, 2);

    const downwards = new LayoutCache(state);
    downwards.layout(withRepair, 'DOWN');
    assert.equal(downwards.runs, 1, 'a layout for the other direction is not reused');
  });

  it('ignores a saved state that is not a whole layout of this graph', () => {
    const saved = saveLayout(new LayoutCache().layout(tasks));
    const key = layoutKey(tasks);
    const broken: unknown[] = [
      undefined,
      null,
      'layout',
      { ...saved, version: 0 },
      { ...saved, key: layoutKey(tasks.slice(1)) },
      { ...saved, positions: 'none' },
      { ...saved, positions: [['t0', 1, Number.NaN]] },
      { ...saved, bends: [['edge', [1, 2, 3]]] },
      { ...saved, width: '10' },
    ];
    for (const candidate of broken) {
      assert.equal(restoreLayout(candidate, key, 'RIGHT'), undefined, JSON.stringify(candidate)?.slice(0, 80));
    }
    // The right key with tasks missing (a state cut short): the cache lays the graph out again.
    const state = new FakeState();
    state.save({ ...saved, positions: saved.positions.slice(0, 10) });
    const cache = new LayoutCache(state);
    assert.equal(cache.layout(tasks).positions.size, 120);
    assert.equal(cache.runs, 1);
  });

  it('renders every task of a restored layout where it was laid out', async () => {
    const state = new FakeState();
    const laidOut = new LayoutCache(state).layout(tasks);
    const cache = new LayoutCache(state);
    render(<TaskGraph tasks={tasks} selectedTaskId={undefined} onSelect={() => {}} layoutCache={cache} />);
    await screen.findByTestId('task-node-t119');
    assert.equal(cache.runs, 0);
    assert.equal(document.querySelectorAll('.react-flow__node').length, 120);
    const position = laidOut.positions.get('t42')!;
    assert.equal(screen.getByTestId('rf__node-t42').style.transform, `translate(${position.x}px,${position.y}px)`);
  });
});
