import './setupDom';
import { strict as assert } from 'node:assert';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { ReactFlowProvider, useReactFlow, type Viewport } from '@xyflow/react';
import { fittedViewport } from '../../webview-ui/src/graph/KeepInView';
import { computeLayout } from '../../webview-ui/src/graph/layout';
import { ALWAYS_DETAILED_TASKS, DETAIL_ZOOM } from '../../webview-ui/src/graph/levelOfDetail';
import { TaskGraph } from '../../webview-ui/src/graph/TaskGraph';
import type { TaskSnapshot } from '../../webview-ui/src/protocol';
import { generateTasks, makeTask } from './fixtures';

/** Hands the test React Flow's `setViewport`, as the zoom controls or a wheel would change it. */
function ViewportHandle({ onReady }: { readonly onReady: (set: (viewport: Viewport) => Promise<boolean>) => void }) {
  const { setViewport } = useReactFlow();
  onReady(setViewport);
  return null;
}

/** A TaskGraph (fitted at first, as always) whose zoom the test can change, keeping t2 on screen. */
function renderGraph(tasks: readonly TaskSnapshot[], onSelect: (taskId: string) => void = () => {}) {
  const t2 = computeLayout(tasks).positions.get('t2')!;
  let setViewport: ((viewport: Viewport) => Promise<boolean>) | undefined;
  const view = render(
    <ReactFlowProvider>
      <TaskGraph tasks={tasks} selectedTaskId="t1" onSelect={onSelect} />
      <ViewportHandle onReady={(set) => (setViewport = set)} />
    </ReactFlowProvider>,
  );
  return {
    ...view,
    zoomTo: async (zoom: number) => {
      assert.ok(setViewport, 'React Flow is ready');
      await act(async () => void (await setViewport?.({ x: 50 - t2.x * zoom, y: 50 - t2.y * zoom, zoom })));
    },
  };
}

const node = (id: string) => screen.getByTestId(`task-node-${id}`);
const isLight = (id: string) => node(id).classList.contains('light');
const flowNodes = () => document.querySelectorAll('.react-flow__node').length;

describe('webview task graph level of detail', () => {
  const large = generateTasks(ALWAYS_DETAILED_TASKS + 1).map((task, index) =>
    index === 2 ? { ...task, title: 'Set up the database', status: 'failed' as const, attempts: 2 } : task,
  );

  it('draws a large graph zoomed out past reading as light boxes that still name and select their task', async () => {
    const selected: string[] = [];
    renderGraph(large, (taskId) => selected.push(taskId));
    await screen.findByTestId('task-node-t100');
    const boxes = [...document.querySelectorAll<HTMLElement>('[data-testid^="task-node-"]')];
    assert.equal(boxes.length, large.length);
    assert.equal(flowNodes(), 0, 'boxes, not React Flow nodes');
    assert.ok(
      boxes.every((element) => element.classList.contains('light') && element.childElementCount === 0),
      'no text, no badges',
    );
    const layout = computeLayout(large);
    const { x, y } = layout.positions.get('t42')!;
    assert.equal(node('t42').style.transform, `translate(${x}px,${y}px)`, 'where the layout put it');

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
    fireEvent.keyDown(node('t6'), { key: ' ' });
    fireEvent.keyDown(node('t7'), { key: 'a' });
    fireEvent.click(document.querySelector('.task-boxes')!);
    assert.deepEqual(selected, ['t2', 't5', 't6'], 'a box selects its task; the space between them nothing');
  });

  it('draws React Flow nodes in full from the readable zoom on, and boxes again below it', async () => {
    const view = renderGraph(large);
    await screen.findByTestId('task-node-t100');
    assert.equal(isLight('t2'), true, 'fitted');

    await view.zoomTo(DETAIL_ZOOM);
    assert.equal(flowNodes(), large.length, 'React Flow nodes, every one (Tab and screen readers reach them all)');
    assert.equal(isLight('t2'), false);
    assert.match(node('t2').textContent ?? '', /Set up the database.*Failed.*attempt 2/);
    assert.equal(document.querySelector('.task-boxes'), null);

    await view.zoomTo(DETAIL_ZOOM / 2);
    assert.equal(flowNodes(), 0, 'zoomed out');
    assert.equal(isLight('t2'), true);
    assert.equal(node('t2').textContent, '');
    await view.zoomTo(DETAIL_ZOOM / 3);
    assert.equal(isLight('t2'), true, 'further out: still light');
    await view.zoomTo(1);
    assert.equal(isLight('t2'), false, 'zoomed back in');
    assert.match(node('t2').textContent ?? '', /attempt 2/);
  });

  it('fits the whole graph from the fit-view control while it is drawn as boxes', async () => {
    const view = renderGraph(large);
    await screen.findByTestId('task-node-t100');
    const viewport = () => document.querySelector<HTMLElement>('.react-flow__viewport')!.style.transform;
    const fittedAtFirst = viewport();
    const fitted = fittedViewport(computeLayout(large), 1200, 800);
    assert.equal(fittedAtFirst, `translate(${fitted.x}px,${fitted.y}px) scale(${fitted.zoom})`);

    await view.zoomTo(DETAIL_ZOOM / 2);
    assert.notEqual(viewport(), fittedAtFirst);
    assert.equal(flowNodes(), 0, 'boxes: React Flow has no nodes to fit');
    act(() => void fireEvent.click(document.querySelector('.react-flow__controls-fitview')!));
    assert.equal(viewport(), fittedAtFirst);

    // React Flow's own fit, with no nodes to fit, would wait for some and snap the view back then.
    await view.zoomTo(DETAIL_ZOOM);
    assert.ok(flowNodes() > 0);
    await act(() => new Promise((resolve) => setTimeout(resolve, 50)));
    assert.ok(viewport().endsWith(`scale(${DETAIL_ZOOM})`), 'the zoom the user chose stays');
  });

  it('keeps keyboard focus on its task when the boxes and the nodes trade places', async () => {
    const view = renderGraph(large);
    await screen.findByTestId('task-node-t100');
    act(() => node('t2').focus());
    assert.equal(document.activeElement, node('t2'));
    assert.equal(isLight('t2'), true);

    await view.zoomTo(DETAIL_ZOOM);
    await waitFor(() => assert.equal(document.activeElement, node('t2')));
    assert.equal(isLight('t2'), false, 'the node now');
    await view.zoomTo(DETAIL_ZOOM / 2);
    await waitFor(() => assert.equal(document.activeElement, node('t2')));
    assert.equal(isLight('t2'), true, 'the box again');
  });

  it(`draws a graph of up to ${ALWAYS_DETAILED_TASKS} tasks in full at any zoom`, async () => {
    const view = renderGraph(large.slice(0, ALWAYS_DETAILED_TASKS));
    await screen.findByTestId('task-node-t99');
    await view.zoomTo(0.05);
    const nodes = [...document.querySelectorAll<HTMLElement>('[data-testid^="task-node-"]')];
    assert.equal(nodes.length, ALWAYS_DETAILED_TASKS);
    assert.equal(flowNodes(), ALWAYS_DETAILED_TASKS);
    assert.ok(nodes.every((element) => !element.classList.contains('light')));
    assert.match(node('t2').textContent ?? '', /Set up the database.*Failed.*attempt 2/);
  });

  it('fits a 300-task graph as boxes and a usual one in full', async () => {
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
