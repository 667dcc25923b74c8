import './setupDom';
import { strict as assert } from 'node:assert';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { ReactFlow, useReactFlow, type NodeTypes, type Viewport } from '@xyflow/react';
import { buildNodes, computeLayout } from '../../webview-ui/src/graph/layout';
import { ALWAYS_DETAILED_TASKS, DETAIL_ZOOM, TaskNode } from '../../webview-ui/src/graph/TaskNode';
import { TaskGraph } from '../../webview-ui/src/graph/TaskGraph';
import type { TaskSnapshot } from '../../webview-ui/src/protocol';
import { generateTasks, makeTask } from './fixtures';

const nodeTypes: NodeTypes = { task: TaskNode };

/** Hands the test React Flow's `setViewport`, as the zoom controls or a wheel would change it. */
function ViewportHandle({ onReady }: { readonly onReady: (set: (viewport: Viewport) => Promise<boolean>) => void }) {
  const { setViewport } = useReactFlow();
  onReady(setViewport);
  return null;
}

/** TaskNodes in a bare React Flow at a given zoom (TaskGraph always starts at the fitted one). */
function renderAtZoom(tasks: readonly TaskSnapshot[], zoom: number, onSelect: (taskId: string) => void = () => {}) {
  const nodes = buildNodes(tasks, computeLayout(tasks), 't1', onSelect);
  let setViewport: ((viewport: Viewport) => Promise<boolean>) | undefined;
  render(
    <ReactFlow
      nodes={nodes}
      nodeTypes={nodeTypes}
      width={1200}
      height={800}
      minZoom={0.01}
      defaultViewport={{ x: 0, y: 0, zoom }}
    >
      <ViewportHandle onReady={(set) => (setViewport = set)} />
    </ReactFlow>,
  );
  return {
    zoomTo: async (next: number) => {
      assert.ok(setViewport, 'React Flow is ready');
      await act(async () => void (await setViewport?.({ x: 0, y: 0, zoom: next })));
    },
  };
}

const node = (id: string) => screen.getByTestId(`task-node-${id}`);
const isLight = (id: string) => node(id).classList.contains('light');

describe('webview TaskNode level of detail', () => {
  const large = generateTasks(ALWAYS_DETAILED_TASKS + 1).map((task, index) =>
    index === 2 ? { ...task, title: 'Set up the database', status: 'failed' as const, attempts: 2 } : task,
  );

  it('draws a large graph zoomed out past reading as light boxes that still name and select their task', async () => {
    const selected: string[] = [];
    renderAtZoom(large, DETAIL_ZOOM - 0.01, (taskId) => selected.push(taskId));
    await screen.findByTestId('task-node-t100');
    const light = [...document.querySelectorAll<HTMLElement>('[data-testid^="task-node-"]')];
    assert.equal(light.length, large.length);
    assert.ok(
      light.every((element) => element.classList.contains('light') && element.childElementCount === 0),
      'no text, no badges',
    );

    const failed = node('t2');
    assert.equal(failed.textContent, '');
    assert.equal(failed.dataset.status, 'failed');
    assert.ok(failed.classList.contains('status-failed'));
    assert.equal(failed.style.getPropertyValue('--status-color').includes('charts-red'), true, 'its status colour');
    assert.equal(failed.getAttribute('aria-label'), 'Set up the database, Failed');
    assert.equal(failed.title, 'Set up the database, Failed', 'a tooltip says what it is');
    assert.equal(failed.getAttribute('role'), 'button');
    assert.equal(failed.tabIndex, 0);
    assert.equal(node('t1').getAttribute('aria-pressed'), 'true');
    assert.ok(node('t1').classList.contains('selected'));

    fireEvent.click(failed);
    fireEvent.keyDown(node('t5'), { key: 'Enter' });
    assert.deepEqual(selected, ['t2', 't5']);
  });

  it('draws the same nodes in full from the readable zoom on, and switches as the zoom crosses it', async () => {
    const view = renderAtZoom(large, DETAIL_ZOOM);
    await screen.findByTestId('task-node-t100');
    assert.equal(isLight('t2'), false);
    assert.match(node('t2').textContent ?? '', /Set up the database.*Failed.*attempt 2/);

    await view.zoomTo(DETAIL_ZOOM / 2);
    assert.equal(isLight('t2'), true, 'zoomed out');
    assert.equal(node('t2').textContent, '');
    await view.zoomTo(DETAIL_ZOOM / 3);
    assert.equal(isLight('t2'), true, 'further out: still light');
    await view.zoomTo(1);
    assert.equal(isLight('t2'), false, 'zoomed back in');
    assert.match(node('t2').textContent ?? '', /attempt 2/);
  });

  it(`draws a graph of up to ${ALWAYS_DETAILED_TASKS} tasks in full at any zoom`, async () => {
    const small = large.slice(0, ALWAYS_DETAILED_TASKS);
    renderAtZoom(small, 0.05);
    await screen.findByTestId('task-node-t99');
    const nodes = [...document.querySelectorAll<HTMLElement>('[data-testid^="task-node-"]')];
    assert.equal(nodes.length, ALWAYS_DETAILED_TASKS);
    assert.ok(nodes.every((element) => !element.classList.contains('light')));
    assert.match(node('t2').textContent ?? '', /Set up the database.*Failed.*attempt 2/);
  });

  it('fits a 300-task graph light and a usual one in full (TaskGraph)', async () => {
    const { unmount } = render(<TaskGraph tasks={generateTasks(300)} selectedTaskId={undefined} onSelect={() => {}} />);
    await screen.findByTestId('task-node-t299');
    assert.ok(isLight('t0') && isLight('t299'), '300 tasks fit far below the readable zoom');
    unmount();

    const usual = Array.from({ length: 40 }, (_, index) =>
      makeTask({ id: `u${index}`, title: `Part ${index}`, dependsOn: index < 4 ? [] : [`u${index - 4}`] }),
    );
    render(<TaskGraph tasks={usual} selectedTaskId={undefined} onSelect={() => {}} />);
    await screen.findByTestId('task-node-u39');
    assert.equal(isLight('u0'), false);
    assert.match(node('u39').textContent ?? '', /Part 39/);
  });
});
