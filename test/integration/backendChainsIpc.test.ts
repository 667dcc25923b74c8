/**
 * What the VS Code extension does with the backend, without VS Code: fork the built
 * backend, start a chain over JSON-RPC, answer its file-writing requests as the extension
 * would, and follow the live snapshots, task output, templates and context.
 */
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  IPCMessageReader,
  IPCMessageWriter,
  createMessageConnection,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import type { ChainSnapshot } from '../../server/src/chainSnapshot';
import { DEFAULT_CONFIG } from '../../server/src/config';
import {
  ApplyFilesRequest,
  ChainContextRequest,
  ChainDidChangeNotification,
  ChainStartRequest,
  ChainsListRequest,
  HealthRequest,
  TaskOutputNotification,
  TemplateSearchRequest,
  TemplatesListRequest,
  VerifyConsentRequest,
  type ApplyFilesParams,
  type AppliedFileView,
  type VerifyConsentParams,
} from '../../server/src/protocol';
import { TODO_REQUEST, todoAppFiles, todoAppScript } from '../fixtures/todoApp';
import { startFakeAnthropic, type FakeAnthropic } from '../fixtures/fakeAnthropic';
import { stopProcess } from '../helpers/cli';
import { freshDatabase, type TestDatabase } from '../helpers/database';
import { TEST_API_KEY } from '../helpers/engineHarness';
import { CLI_BUNDLE } from '../helpers/paths';
import { removeLeftoversFromSharedRedis } from '../helpers/sharedRedisCleanup';

describe('the backend serving the extension (IPC, no VS Code)', function () {
  this.timeout(90_000);
  let fake: FakeAnthropic;
  let database: TestDatabase;
  let workspace: string;
  let child: ChildProcess;
  let connection: MessageConnection;
  const snapshots: { version: number; chain: ChainSnapshot }[] = [];
  const outputs: { taskId: string; text: string }[] = [];
  const applied: ApplyFilesParams[] = [];
  const consents: VerifyConsentParams[] = [];
  const queueName = `ipc-${randomBytes(4).toString('hex')}`;

  before(async () => {
    fake = await startFakeAnthropic(todoAppScript(50));
    database = freshDatabase();
    workspace = await mkdtemp(path.join(tmpdir(), 'takoss-ext-'));
    await writeFile(path.join(workspace, 'README.md'), '# My own notes\n');
    child = fork(CLI_BUNDLE, ['serve', '--node-ipc'], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: {
        PATH: process.env.PATH,
        ANTHROPIC_API_KEY: TEST_API_KEY,
        ANTHROPIC_BASE_URL: fake.baseUrl,
        TAKOSS_QUEUE_NAME: queueName,
      },
    });
    connection = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    connection.onNotification(ChainDidChangeNotification, (update) => {
      snapshots.push(update);
    });
    connection.onNotification(TaskOutputNotification, ({ taskId, text }) => {
      outputs.push({ taskId, text });
    });
    // What the extension does: write what is new or ours, skip conflicts (the user said skip).
    connection.onRequest(ApplyFilesRequest, async (params) => {
      applied.push(params);
      const files: AppliedFileView[] = [];
      for (const file of params.files) {
        if (file.conflict || file.protection) {
          files.push({ path: file.path, action: 'skipped', reason: file.conflict ?? file.protection });
        } else if (file.decision === 'unchanged') {
          files.push({ path: file.path, action: 'unchanged' });
        } else {
          const target = path.join(params.workspace, file.path);
          await mkdir(path.dirname(target), { recursive: true });
          await writeFile(target, file.content);
          files.push({ path: file.path, action: file.decision === 'create' ? 'created' : 'updated' });
        }
      }
      return { files };
    });
    // The Todo app's install would need the network: decline, as a user (or an untrusted workspace) would.
    connection.onRequest(VerifyConsentRequest, (params) => {
      consents.push(params);
      return { allowed: false, reason: 'the test declined to run the checks' };
    });
    connection.listen();
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: {},
      initializationOptions: { settings: { databaseUrl: database.url } },
    });
    await connection.sendNotification('initialized', {});
    const deadline = Date.now() + 20_000;
    while ((await connection.sendRequest(HealthRequest)).phase !== 'ready' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  after(async () => {
    if (connection) {
      await connection.sendRequest('shutdown').catch(() => undefined);
      await connection.sendNotification('exit').catch(() => undefined);
      connection.dispose();
    }
    try {
      if (child) await stopProcess(child);
      await removeLeftoversFromSharedRedis({ redisUrl: DEFAULT_CONFIG.redisUrl, databaseUrl: database.url, queueName });
    } finally {
      await fake.close();
      await database.drop();
      await rm(workspace, { recursive: true, force: true });
    }
  });

  it('serves the template library', async () => {
    const templates = await connection.sendRequest(TemplatesListRequest, {});
    assert.ok(templates.length >= 15);
    const hits = await connection.sendRequest(TemplateSearchRequest, { query: 'react component' });
    assert.equal(hits[0]?.name, 'frontend/react-component');
  });

  it('builds a chain: live snapshots, files through the extension, a user file left alone', async () => {
    const first = await connection.sendRequest(ChainStartRequest, { request: TODO_REQUEST, workspace });
    // The plan's six tasks, then the verification ladder (takoss.verify ask, two repairs).
    assert.deepEqual(
      first.tasks.slice(6).map((task) => [task.id, task.kind]),
      [
        ['verify-1', 'verify'],
        ['repair-1', 'repair'],
        ['verify-2', 'verify'],
        ['repair-2', 'repair'],
        ['verify-3', 'verify'],
      ],
    );
    const deadline = Date.now() + 60_000;
    let last: ChainSnapshot | undefined;
    while (Date.now() < deadline) {
      last = snapshots.filter((each) => each.chain.chainId === first.chainId).at(-1)?.chain;
      if (last && ['succeeded', 'failed', 'partial'].includes(last.status)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(last?.status, 'succeeded');
    const versions = snapshots.filter((each) => each.chain.chainId === first.chainId).map((each) => each.version);
    assert.deepEqual(
      versions,
      [...versions].sort((a, b) => a - b),
      'versions grow',
    );
    assert.ok(versions.length >= 3, 'several snapshots while it ran');

    for (const [file, content] of todoAppFiles()) {
      if (file === 'README.md') continue;
      assert.equal(await readFile(path.join(workspace, file), 'utf8'), content, file);
    }
    assert.equal(
      await readFile(path.join(workspace, 'README.md'), 'utf8'),
      '# My own notes\n',
      'the user’s README is kept',
    );
    const readme = last.tasks.find((task) => task.id === 'readme')!;
    assert.equal(readme.files[0]?.action, 'skipped');
    assert.match(readme.files[0]?.reason ?? '', /already exists and Takoss did not write it/);
    const conflictRequest = applied.find((request) => request.taskId === 'readme')!;
    assert.match(conflictRequest.files[0]?.conflict ?? '', /did not write it/);
    assert.equal(conflictRequest.taskTitle, 'README');

    const api = last.tasks.find((task) => task.id === 'api')!;
    assert.deepEqual(
      api.context?.tasks.map((task) => [task.taskId, task.relation]),
      [
        ['store', 'direct'],
        ['setup', 'ancestor'],
      ],
    );
    assert.equal(api.status, 'succeeded');
    assert.ok((api.usage?.inputTokens ?? 0) > 0);
    assert.equal(api.template?.name, 'backend/express-route', 'the snapshot names the template the task rendered');
    assert.equal(last.tasks.find((task) => task.id === 'setup')?.template, undefined);
    // Final snapshot: every file the chain wrote is in it (it turns final only after the driver recorded them).
    assert.equal(last.tasks.flatMap((task) => task.files).filter((file) => file.action === 'created').length, 8);
    assert.ok(outputs.some((output) => output.taskId === 'readme' && output.text.includes('README.md explains')));

    // The backend asked the extension before running the project's commands, once, and ran none.
    assert.deepEqual(
      consents.map((each) => [each.chainId, each.taskId, each.workspace]),
      [[first.chainId, 'verify-1', workspace]],
    );
    assert.ok(consents[0]!.commands.length > 0);
    assert.equal(last.verification?.outcome, 'not_verified');
    assert.match(last.verification?.summary ?? '', /the test declined to run the checks/);
    assert.equal(last.tasks.find((task) => task.id === 'verify-1')?.verify?.outcome, 'not_run');
    assert.equal(last.tasks.find((task) => task.id === 'repair-1')?.status, 'unneeded');

    const chains = await connection.sendRequest(ChainsListRequest);
    assert.equal(chains[0]?.chainId, first.chainId);
    assert.equal(chains[0]?.verification, 'not_verified');
    const context = await connection.sendRequest(ChainContextRequest, { chainId: first.chainId });
    assert.equal(context.results.length, 7, 'the six tasks and the verify');
    assert.ok(context.stats.ttlSeconds > 0);
    assert.ok(context.history.some((event) => event.type === 'result.stored'));
  });

  it('refuses to start without an open folder, saying so', async () => {
    await assert.rejects(
      connection.sendRequest(ChainStartRequest, { request: 'x', workspace: path.join(workspace, 'missing') }),
      /does not exist; open the folder to build in/,
    );
  });
});
