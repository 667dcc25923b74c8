import './setupDom';
import { strict as assert } from 'node:assert';
import { act, configure, fireEvent, render, screen, within } from '@testing-library/react';
import { App } from '../../webview-ui/src/App';
import type { ChainSnapshot, ExtensionToWebviewMessage } from '../../webview-ui/src/protocol';
import { FakeMessenger, makeChain, makeTask, snapshotMessage } from './fixtures';

configure({ asyncUtilTimeout: 5000 });

function send(message: ExtensionToWebviewMessage): void {
  act(() => {
    window.dispatchEvent(new window.MessageEvent('message', { data: message }));
  });
}

function renderApp(): FakeMessenger {
  const messenger = new FakeMessenger();
  render(<App messenger={messenger} events={window} />);
  return messenger;
}

const builtChain: ChainSnapshot = makeChain([
  makeTask({
    id: 'setup',
    title: 'Project setup',
    status: 'succeeded',
    attempts: 1,
    summary: 'Created package.json and tsconfig.',
    files: [
      { path: 'package.json', action: 'created' },
      { path: 'README.md', action: 'skipped', reason: 'edited by the user since the last run' },
    ],
  }),
  makeTask({ id: 'api', title: 'REST API', dependsOn: ['setup'], status: 'succeeded', summary: 'Express routes.' }),
  makeTask({
    id: 'ui',
    title: 'React UI',
    dependsOn: ['api'],
    status: 'failed',
    attempts: 2,
    error: 'Claude returned no files',
    template: { name: 'react-component', version: 3 },
    files: [{ path: 'src/App.tsx', action: 'created' }],
    context: {
      approxTokens: 1234,
      tasks: [
        {
          taskId: 'api',
          title: 'REST API',
          relation: 'direct',
          summary: 'Express routes.',
          files: [{ path: 'src/server.ts', included: true }],
        },
        {
          taskId: 'setup',
          title: 'Project setup',
          relation: 'ancestor',
          summary: 'Created package.json and tsconfig.',
          files: [{ path: 'package.json', included: false }],
        },
      ],
    },
  }),
  makeTask({ id: 'docs', title: 'Docs', dependsOn: ['api'], status: 'running', attempts: 1 }),
]);

describe('webview App', () => {
  it('shows that it waits and tells the extension it is ready', () => {
    const messenger = renderApp();
    assert.ok(screen.getByText('Waiting for a chain…'));
    assert.deepEqual(messenger.posted, [{ type: 'ready' }]);
  });

  it('renders one node per task and keeps only the newest snapshot', async () => {
    renderApp();
    const chain = makeChain([
      makeTask({ id: 'a', status: 'running' }),
      makeTask({ id: 'b', dependsOn: ['a'] }),
      makeTask({ id: 'c', dependsOn: ['a', 'b'] }),
    ]);
    send(snapshotMessage(5, chain));
    const node = await screen.findByTestId('task-node-a');
    assert.equal(node.dataset.status, 'running');
    assert.equal(screen.getByTestId('task-node-b').dataset.status, 'waiting');
    assert.equal(screen.getByTestId('task-node-c').dataset.status, 'waiting');
    assert.equal(document.querySelectorAll('[data-testid^="task-node-"]').length, 3);
    assert.equal(screen.queryByText('Waiting for a chain…'), null);
    assert.match(screen.getByTestId('chain-cost').textContent ?? '', /^\$0\.0123/);
    assert.match(screen.getByTestId('chain-tokens').textContent ?? '', /1,200 in · 340 out/);

    const older = makeChain(chain.tasks.map((task) => ({ ...task, status: 'failed' as const })));
    send(snapshotMessage(4, older));
    send(snapshotMessage(5, older));
    assert.equal(screen.getByTestId('task-node-a').dataset.status, 'running', 'older and equal versions ignored');

    const newer = makeChain(
      chain.tasks.map((task) => ({ ...task, status: task.id === 'a' ? ('succeeded' as const) : ('running' as const) })),
    );
    send(snapshotMessage(6, newer));
    assert.equal(screen.getByTestId('task-node-a').dataset.status, 'succeeded');
    assert.equal(screen.getByTestId('task-node-b').dataset.status, 'running');
    assert.match(screen.getByTestId('task-node-a').getAttribute('aria-label') ?? '', /Succeeded/);
  });

  it('renders task text as text, never as HTML', async () => {
    renderApp();
    const evil = '<img src=x onerror=alert(1)>';
    send(
      snapshotMessage(
        1,
        makeChain([makeTask({ id: 'x', title: evil, summary: evil, error: evil, status: 'failed' })], {
          request: `<script>alert(1)</script>${evil}`,
        }),
      ),
    );
    const node = await screen.findByTestId('task-node-x');
    fireEvent.click(node);
    assert.ok(screen.getByTestId('task-panel'));
    assert.equal(document.querySelector('img'), null);
    assert.equal(document.querySelector('script'), null);
    assert.ok(within(node).getByText(evil), 'the title shows literally in the node');
    assert.ok(screen.getAllByText(evil).length >= 3, 'title, summary and error show literally');
    assert.ok(screen.getByText(`<script>alert(1)</script>${evil}`));
  });

  it('opens the panel of a clicked task with its context, files and actions', async () => {
    const messenger = renderApp();
    send(snapshotMessage(1, builtChain));
    fireEvent.click(await screen.findByTestId('task-node-ui'));

    const panel = screen.getByTestId('task-panel');
    assert.ok(within(panel).getByRole('heading', { name: 'React UI' }));
    assert.ok(within(panel).getByText('react-component v3'));
    assert.ok(within(panel).getByText('Claude returned no files'));

    const context = within(panel).getByTestId('task-context');
    assert.match(context.textContent ?? '', /1,234 tokens/);
    const direct = within(context).getByTestId('context-api');
    assert.equal(direct.dataset.relation, 'direct');
    assert.ok(within(direct).getByText('direct'));
    assert.ok(within(direct).getByText('src/server.ts'));
    assert.ok(within(direct).getByText('included'));
    const ancestor = within(context).getByTestId('context-setup');
    assert.ok(within(ancestor).getByText('ancestor'));
    assert.ok(within(ancestor).getByText('not included'));

    messenger.posted.length = 0;
    fireEvent.click(within(panel).getByRole('button', { name: 'src/App.tsx' }));
    assert.deepEqual(messenger.posted, [{ type: 'openFile', chainId: 'chain-1', taskId: 'ui', path: 'src/App.tsx' }]);

    messenger.posted.length = 0;
    fireEvent.click(within(panel).getByRole('button', { name: 'Retry' }));
    fireEvent.click(within(panel).getByRole('button', { name: 'Cancel chain' }));
    fireEvent.click(within(panel).getByRole('button', { name: 'Inspect context' }));
    assert.deepEqual(messenger.posted, [
      { type: 'retryTask', chainId: 'chain-1', taskId: 'ui' },
      { type: 'cancelChain', chainId: 'chain-1' },
      { type: 'inspectContext', chainId: 'chain-1', taskId: 'ui' },
    ]);

    fireEvent.click(within(panel).getByRole('button', { name: 'Close task details' }));
    assert.equal(screen.queryByTestId('task-panel'), null);
  });

  it('offers Retry only for failed tasks and Cancel only while the chain runs', async () => {
    const messenger = renderApp();
    send(snapshotMessage(1, builtChain));
    const setup = await screen.findByTestId('task-node-setup');
    fireEvent.keyDown(setup, { key: 'Enter' });

    const panel = screen.getByTestId('task-panel');
    assert.equal(within(panel).queryByRole('button', { name: 'Retry' }), null, 'no Retry for a succeeded task');
    assert.ok(within(panel).getByRole('button', { name: 'Cancel chain' }));
    assert.ok(within(panel).getByText('edited by the user since the last run'), 'a skipped file says why');

    messenger.posted.length = 0;
    fireEvent.click(within(panel).getByRole('button', { name: 'README.md' }));
    assert.deepEqual(messenger.posted, [{ type: 'openFile', chainId: 'chain-1', taskId: 'setup', path: 'README.md' }]);

    send(snapshotMessage(2, { ...builtChain, status: 'failed' }));
    assert.equal(screen.queryByRole('button', { name: 'Cancel chain' }), null, 'no Cancel once the chain ended');

    fireEvent.keyDown(screen.getByTestId('task-node-ui'), { key: ' ' });
    assert.ok(within(screen.getByTestId('task-panel')).getByRole('button', { name: 'Retry' }));
  });

  it('shows the streamed output of a running task', async () => {
    renderApp();
    send(snapshotMessage(1, builtChain));
    fireEvent.click(await screen.findByTestId('task-node-docs'));
    assert.equal(screen.getByTestId('task-output').tagName, 'PRE');
    assert.equal(screen.getByTestId('task-output').textContent, 'Waiting for output…');

    send({ type: 'taskOutput', chainId: 'chain-1', taskId: 'docs', text: '# Docs\n<b>not bold</b>' });
    assert.equal(screen.getByTestId('task-output').textContent, '# Docs\n<b>not bold</b>');
    assert.equal(document.querySelector('.task-output b'), null);

    send({ type: 'taskOutput', chainId: 'chain-1', taskId: 'docs', text: '# Docs\nMore' });
    assert.equal(screen.getByTestId('task-output').textContent, '# Docs\nMore', 'each chunk replaces the text');

    send({ type: 'taskOutput', chainId: 'chain-1', taskId: 'api', text: 'other task' });
    send({ type: 'taskOutput', chainId: 'other-chain', taskId: 'docs', text: 'other chain' });
    assert.equal(screen.getByTestId('task-output').textContent, '# Docs\nMore');
  });

  it('ignores messages that are not from the extension protocol', () => {
    renderApp();
    act(() => {
      window.dispatchEvent(new window.MessageEvent('message', { data: 'hello' }));
      window.dispatchEvent(new window.MessageEvent('message', { data: { type: 'snapshot', version: 1 } }));
    });
    assert.ok(screen.getByText('Waiting for a chain…'));
  });
});
