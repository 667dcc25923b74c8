/**
 * The channel the extension uses, end to end: fork the built backend exactly as the
 * extension's BackendConnection does (`cli.js serve --node-ipc`), speak JSON-RPC to it with
 * vscode-jsonrpc over Node IPC, and shut it down the way the extension does.
 */
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import {
  IPCMessageReader,
  IPCMessageWriter,
  NotificationType,
  createMessageConnection,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import { HealthDidChangeNotification, HealthRequest, type HealthReport } from '../../server/src/protocol';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { freshDatabase, type TestDatabase } from '../helpers/database';
import { CLI_BUNDLE, MIGRATION_NAMES, REPO_ROOT } from '../helpers/paths';

const LogMessageNotification = new NotificationType<{ type: number; message: string }>('window/logMessage');

describe('the backend over IPC', () => {
  let database: TestDatabase;
  let child: ChildProcess;
  let connection: MessageConnection;
  const logs: string[] = [];
  const reports: HealthReport[] = [];

  before(async () => {
    database = freshDatabase();
    child = fork(CLI_BUNDLE, ['serve', '--node-ipc', `--clientProcessId=${process.pid}`], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { PATH: process.env.PATH, ANTHROPIC_API_KEY: 'sk-ant-test-secret-value-123456' },
    });
    connection = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    connection.onNotification(LogMessageNotification, ({ message }) => {
      logs.push(message);
    });
    connection.onNotification(HealthDidChangeNotification, (report) => {
      reports.push(report);
    });
    connection.listen();
    const result = await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: {},
      initializationOptions: { settings: { databaseUrl: database.url } },
    });
    const { version } = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    assert.deepEqual((result as { serverInfo: unknown }).serverInfo, { name: 'takoss', version });
    await connection.sendNotification('initialized', {});
  });

  after(async () => {
    connection?.dispose();
    if (child?.exitCode === null) child.kill('SIGKILL');
    await database.drop();
  });

  it('answers takoss/health and notifies takoss/health/didChange until ready', async () => {
    const deadline = Date.now() + 15_000;
    let report = await connection.sendRequest(HealthRequest);
    while (report.phase !== 'ready' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      report = await connection.sendRequest(HealthRequest);
    }
    assert.equal(report.phase, 'ready', JSON.stringify(report));
    assert.match(report.postgres.detail, new RegExp(`migrations ${MIGRATION_NAMES.length} applied`));
    assert.equal(report.apiKey.configured, true);
    assert.ok(
      reports.some((each) => each.phase === 'ready'),
      'the ready state was pushed as a notification',
    );
  });

  it('logs through the connection, never the API key', () => {
    assert.ok(logs.some((line) => /Takoss backend .* started/.test(line)));
    assert.ok(logs.some((line) => /Applied migration/.test(line)));
    assert.ok(!logs.some((line) => line.includes('sk-ant-test-secret-value-123456')));
  });

  it('shuts down gracefully on shutdown + exit, with exit code 0', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await connection.sendRequest('shutdown');
    await connection.sendNotification('exit');
    assert.equal(await exited, 0);
  });
});
