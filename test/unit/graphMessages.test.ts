import assert from 'node:assert/strict';
import type { ChainSnapshot, TaskSnapshot } from '../../server/src/chainSnapshot';
import { checkGraphMessage } from '../../extension/src/webview/graphMessages';
import { chainSnapshot, taskSnapshot } from '../helpers/snapshots';

const task = (id: string, extra: Partial<TaskSnapshot> = {}) =>
  taskSnapshot(id, { status: 'succeeded', attempts: 1, ...extra });

const chain: ChainSnapshot = chainSnapshot([
  task('api', {
    files: [
      { path: 'src/server.ts', action: 'created' },
      { path: 'src/db.ts', action: 'updated' },
      { path: 'README.md', action: 'unchanged' },
      { path: 'package.json', action: 'skipped', reason: 'you chose Skip' },
      { path: '.vscode/settings.json', action: 'refused', reason: 'protected' },
      { path: 'src/pending.ts', action: 'generated' },
    ],
  }),
  task('ui', { status: 'failed', files: [{ path: 'src/App.tsx', action: 'created' }] }),
]);

/** The message as accepted; fails the test if it was refused. */
function accepted(data: unknown) {
  const verdict = checkGraphMessage(data, chain);
  assert.ok(verdict.ok, `expected ${JSON.stringify(data)} to be accepted, got: ${verdict.ok ? '' : verdict.reason}`);
  return verdict.message;
}

/** The refusal reason; fails the test if the message was accepted. */
function refused(data: unknown): string {
  const verdict = checkGraphMessage(data, chain);
  assert.equal(verdict.ok, false, `expected ${JSON.stringify(data)} to be refused`);
  return verdict.ok ? '' : verdict.reason;
}

const openFile = (path: string, taskId = 'api', chainId = 'chain-1') => ({ type: 'openFile', chainId, taskId, path });

describe('checkGraphMessage', () => {
  describe('accepted messages', () => {
    it('accepts ready, which names no chain', () => {
      assert.deepEqual(accepted({ type: 'ready' }), { type: 'ready' });
    });

    it('accepts retryTask for a task of the panel chain', () => {
      assert.deepEqual(accepted({ type: 'retryTask', chainId: 'chain-1', taskId: 'ui' }), {
        type: 'retryTask',
        chainId: 'chain-1',
        taskId: 'ui',
      });
    });

    it('accepts cancelChain for the panel chain', () => {
      assert.deepEqual(accepted({ type: 'cancelChain', chainId: 'chain-1' }), {
        type: 'cancelChain',
        chainId: 'chain-1',
      });
    });

    it('accepts inspectContext for the whole chain and for one of its tasks', () => {
      assert.deepEqual(accepted({ type: 'inspectContext', chainId: 'chain-1' }), {
        type: 'inspectContext',
        chainId: 'chain-1',
      });
      assert.deepEqual(accepted({ type: 'inspectContext', chainId: 'chain-1', taskId: 'api' }), {
        type: 'inspectContext',
        chainId: 'chain-1',
        taskId: 'api',
      });
    });

    it('opens a file the task created, updated, left unchanged or skipped', () => {
      for (const path of ['src/server.ts', 'src/db.ts', 'README.md', 'package.json']) {
        assert.deepEqual(accepted(openFile(path)), openFile(path));
      }
      assert.deepEqual(accepted(openFile('src/App.tsx', 'ui')), openFile('src/App.tsx', 'ui'));
    });

    it('returns the normalized path of a file named in a roundabout way', () => {
      const message = accepted(openFile('./src//server.ts'));
      assert.equal(message.type, 'openFile');
      assert.equal(message.type === 'openFile' ? message.path : '', 'src/server.ts');
    });

    it('drops fields the protocol does not know', () => {
      assert.deepEqual(accepted({ type: 'cancelChain', chainId: 'chain-1', command: 'rm -rf /' }), {
        type: 'cancelChain',
        chainId: 'chain-1',
      });
    });
  });

  describe('refused messages', () => {
    it('refuses a forged message type, naming only its type', () => {
      const reason = refused({ type: 'writeFile', path: '/etc/x' });
      assert.match(reason, /not a task-graph message/);
      assert.match(reason, /"writeFile"/);
      assert.ok(!reason.includes('/etc/x'), reason);
    });

    it('refuses non-objects and objects without a type, naming only what they are', () => {
      assert.equal(refused('openFile /etc/passwd'), 'not a task-graph message: string');
      assert.equal(refused(42), 'not a task-graph message: number');
      assert.equal(refused(null), 'not a task-graph message: object');
      assert.equal(refused(undefined), 'not a task-graph message: undefined');
      assert.equal(refused({ path: '/etc/x' }), 'not a task-graph message: an object without a type');
      assert.equal(refused({ type: 7, path: '/etc/x' }), 'not a task-graph message: an object without a type');
      assert.equal(refused(['ready']), 'not a task-graph message: an object without a type');
    });

    it('never echoes the content of a malformed message, only its type', () => {
      const secret = 'SECRET-CONTENT';
      for (const data of [
        { type: 'openFile', chainId: 'chain-1', taskId: 'api', path: 5, note: secret },
        { type: 'openFile', chainId: 'chain-1', taskId: secret.toLowerCase(), path: '' },
        { type: 'retryTask', chainId: `../${secret}`, taskId: 'api' },
        { type: 'cancelChain', chainId: secret },
        { type: 'inspectContext', chainId: 'chain-1', taskId: { nested: secret } },
      ]) {
        const reason = refused(data);
        assert.ok(!reason.toLowerCase().includes(secret.toLowerCase()), reason);
        assert.match(reason, new RegExp(`type "${data.type}"`));
      }
    });

    it('cuts a long type and escapes control characters in it, so it cannot forge a log line', () => {
      const long = refused({ type: 'x'.repeat(500) });
      assert.ok(long.length < 120, long);
      const forged = refused({ type: 'ready\n[info] Takoss: wrote /etc/passwd\u202e' });
      assert.ok(!forged.includes('\n'), forged);
      assert.ok(!forged.includes('\u202e'), forged);
      assert.match(forged, /ready\\u000A/);
    });

    it('refuses ids that do not look like ids', () => {
      assert.match(refused({ type: 'retryTask', chainId: 'Chain 1', taskId: 'api' }), /type "retryTask"/);
      assert.match(refused({ type: 'retryTask', chainId: 'chain-1', taskId: 'x'.repeat(65) }), /type "retryTask"/);
    });

    it('refuses every kind of message about another chain, naming both chains', () => {
      for (const data of [
        openFile('src/server.ts', 'api', 'chain-2'),
        { type: 'retryTask', chainId: 'chain-2', taskId: 'api' },
        { type: 'cancelChain', chainId: 'chain-2' },
        { type: 'inspectContext', chainId: 'chain-2' },
        { type: 'inspectContext', chainId: 'chain-2', taskId: 'api' },
      ]) {
        assert.equal(refused(data), 'the panel of chain chain-1 asked about chain chain-2');
      }
    });

    it('refuses a task the chain does not have, naming it', () => {
      const expected = 'chain chain-1 has no task "ghost"';
      assert.equal(refused({ type: 'retryTask', chainId: 'chain-1', taskId: 'ghost' }), expected);
      assert.equal(refused({ type: 'inspectContext', chainId: 'chain-1', taskId: 'ghost' }), expected);
      assert.equal(refused(openFile('src/server.ts', 'ghost')), expected);
    });

    it('refuses an absolute path', () => {
      assert.match(refused(openFile('/etc/passwd')), /"\/etc\/passwd" is absolute/);
      assert.match(refused(openFile('C:/Windows/win.ini')), /is absolute/);
      assert.match(refused(openFile('~/.ssh/id_rsa')), /is absolute/);
    });

    it('refuses a path with ..', () => {
      assert.match(refused(openFile('../secrets.txt')), /leaves the workspace/);
      assert.match(refused(openFile('src/../../etc/passwd')), /leaves the workspace/);
    });

    it('refuses a path inside .git', () => {
      assert.match(refused(openFile('.git/config')), /never writable/);
    });

    it('refuses a file the task did not write, even one another task wrote', () => {
      assert.equal(
        refused(openFile('src/other.ts')),
        'task "api" did not write "src/other.ts", so the graph may not open it',
      );
      assert.equal(
        refused(openFile('src/App.tsx', 'api')),
        'task "api" did not write "src/App.tsx", so the graph may not open it',
      );
    });

    it('refuses a file the task was refused or has not written yet', () => {
      assert.match(refused(openFile('.vscode/settings.json')), /did not write "\.vscode\/settings\.json"/);
      assert.match(refused(openFile('src/pending.ts')), /did not write "src\/pending\.ts"/);
    });
  });
});
