import './setupDom';
import { strict as assert } from 'node:assert';
import { act, configure, fireEvent, render, screen } from '@testing-library/react';
import { fittedViewport } from '../../webview-ui/src/graph/KeepInView';
import { LayoutCache } from '../../webview-ui/src/graph/layout';
import { TaskGraph } from '../../webview-ui/src/graph/TaskGraph';
import type { TaskSnapshot } from '../../webview-ui/src/protocol';
import { generateTasks, makeTask } from './fixtures';

configure({ asyncUtilTimeout: 10000 });

describe('webview TaskGraph', () => {
  it('draws 300 laid-out tasks and only updates them when statuses change', async () => {
    const tasks = generateTasks(300);
    const cache = new LayoutCache();
    const selected: string[] = [];
    const onSelect = (taskId: string) => selected.push(taskId);
    const { rerender } = render(
      <TaskGraph tasks={tasks} selectedTaskId={undefined} onSelect={onSelect} layoutCache={cache} />,
    );

    await screen.findByTestId('task-node-t299');
    // Fitted, 300 tasks are far too small to read: light boxes (levelOfDetail.test.tsx), named for screen readers.
    assert.equal(document.querySelectorAll('[data-testid^="task-node-"]').length, 300);
    assert.equal(cache.runs, 1);
    const layout = cache.layout(tasks);
    const position = layout.positions.get('t42');
    assert.ok(position);
    assert.equal(screen.getByTestId('task-node-t42').style.transform, `translate(${position.x}px,${position.y}px)`);
    const dependencies = tasks.reduce((sum, task) => sum + new Set(task.dependsOn).size, 0);
    assert.equal(document.querySelector('.task-edges')?.getAttribute('data-edge-count'), String(dependencies));

    const progressed: TaskSnapshot[] = tasks.map((task) => ({ ...task, status: 'succeeded', attempts: 3 }));
    rerender(<TaskGraph tasks={progressed} selectedTaskId="t7" onSelect={onSelect} layoutCache={cache} />);
    assert.equal(screen.getByTestId('task-node-t0').dataset.status, 'succeeded');
    assert.ok(screen.getByTestId('task-node-t0').classList.contains('status-succeeded'));
    assert.equal(screen.getByTestId('task-node-t0').title, 'Task t0, Succeeded');
    assert.equal(screen.getByTestId('task-node-t7').getAttribute('aria-pressed'), 'true');
    cache.layout(progressed);
    assert.equal(cache.runs, 1, 'status changes reuse the layout');

    const node = screen.getByTestId('task-node-t3');
    assert.equal(node.getAttribute('role'), 'button');
    assert.equal(node.getAttribute('aria-label'), 'Task t3, Succeeded');
    fireEvent.keyDown(node, { key: 'Enter' });
    fireEvent.keyDown(node, { key: ' ' });
    fireEvent.keyDown(node, { key: 'a' });
    fireEvent.click(screen.getByTestId('task-node-t4'));
    assert.deepEqual(selected, ['t3', 't3', 't4']);
  });

  it('fits a graph that grows until the user moves the view, then leaves the view alone', async () => {
    const tasks = (count: number) =>
      Array.from({ length: count }, (_, index) =>
        makeTask({ id: `u${index}`, title: `Part ${index}`, dependsOn: index < 4 ? [] : [`u${index - 4}`] }),
      );
    const cache = new LayoutCache();
    const graph = (count: number) => (
      <TaskGraph tasks={tasks(count)} selectedTaskId="u30" onSelect={() => {}} layoutCache={cache} />
    );
    const viewport = () => document.querySelector<HTMLElement>('.react-flow__viewport')!.style.transform;
    const fitOf = (count: number) => {
      const fitted = fittedViewport(cache.layout(tasks(count)), 1200, 800);
      return `translate(${fitted.x}px,${fitted.y}px) scale(${fitted.zoom})`;
    };
    const settled = () => act(() => new Promise((resolve) => setTimeout(resolve, 300)));
    const { rerender } = render(graph(32));
    await screen.findByTestId('task-node-u31');
    assert.equal(viewport(), fitOf(32));

    rerender(graph(36));
    await settled();
    assert.equal(viewport(), fitOf(36), 'grown, fitted again');

    // The user zooms in on the top-left corner (the selected task is off screen then)…
    act(
      () =>
        void fireEvent.wheel(document.querySelector('.react-flow__renderer')!, {
          deltaY: -400,
          clientX: 10,
          clientY: 10,
        }),
    );
    await settled();
    const chosen = viewport();
    assert.notEqual(chosen, fitOf(36));
    // …and the graph grows again: the view stays theirs, not fitted, not panned to the selection.
    rerender(graph(40));
    await settled();
    assert.equal(viewport(), chosen);
  });
});
