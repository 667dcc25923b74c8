/**
 * One run of the backend process: `cli.js serve --node-ipc` forked with the extension host's
 * Node, and the JSON-RPC connection to it over Node IPC, with the few parts of the Language
 * Server Protocol the backend speaks (initialize, initialized, shutdown, exit, log and show
 * messages). vscode-languageclient did this before; it brought every LSP feature with it —
 * about 400 KB of the extension bundle for a server that offers none.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import * as vscode from 'vscode';
import {
  IPCMessageReader,
  IPCMessageWriter,
  NotificationType,
  NotificationType0,
  RequestType,
  RequestType0,
  ErrorCodes,
  ResponseError,
  createMessageConnection,
  type CancellationToken,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import type { BackendInitializationOptions } from '../../../server/src/protocol';
import { hasExited, terminateTree } from './terminateProcess';

interface MessageParams {
  readonly type: number;
  readonly message: string;
}
const InitializeRequest = new RequestType<object, unknown, void>('initialize');
const InitializedNotification = new NotificationType<object>('initialized');
const ShutdownRequest = new RequestType0<void, void>('shutdown');
const ExitNotification = new NotificationType0('exit');
const LogMessageNotification = new NotificationType<MessageParams>('window/logMessage');
const ShowMessageNotification = new NotificationType<MessageParams>('window/showMessage');
const ShowMessageRequest = new RequestType<MessageParams & { actions?: vscode.MessageItem[] }, unknown, void>(
  'window/showMessageRequest',
);
/** LSP's MessageType. */
const MessageType = { Error: 1, Warning: 2, Info: 3, Log: 4, Debug: 5 } as const;
/** LSP's RequestCancelled error code. */
const REQUEST_CANCELLED = -32800;
/** How long the backend may take to answer `initialize` (it migrates the database first). */
export const INITIALIZE_TIMEOUT_MS = 30_000;
/** A debugger attaches to a backend started from an extension host that is itself debugged. */
const DEBUG_EXEC_ARGV = ['--nolazy', '--inspect=6019'];

export interface BackendForkOptions {
  /** Absolute path of dist/cli.js. */
  readonly serverModule: string;
  readonly log: vscode.LogOutputChannel;
  /** Goes to the child's environment only, as ANTHROPIC_API_KEY. */
  readonly apiKey: string | undefined;
  /** The connection closed while running, not because `stop` was called. */
  readonly onUnexpectedClose: (connection: BackendConnection) => void;
}

type Phase = 'forked' | 'initializing' | 'running' | 'stopping' | 'closed';

/** The backend did not start; the message is a whole sentence for the user. */
export class BackendStartError extends Error {
  override readonly name = 'BackendStartError';
}

export class BackendConnection {
  private phase: Phase = 'forked';
  private readonly lifetimeSource = new vscode.CancellationTokenSource();
  /** Cancelled when this run ends: stopped, crashed or never started. */
  readonly lifetime = this.lifetimeSource.token;
  private readonly attachments: vscode.Disposable[] = [];
  /** `stop` was called: whatever fails from then on is expected. */
  private stopRequested = false;
  /** How the process ended, once the connection closed while the backend was running. */
  private crash: string | undefined;
  /** At most one error pop-up per run; everything else goes to the log. */
  private errorShown = false;
  /** Resolves when the process exited. */
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    private readonly connection: MessageConnection,
    private readonly options: BackendForkOptions,
  ) {
    const { log } = options;
    this.exited = hasExited(child) ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
    connection.onError(([error]) => {
      const message = `Takoss backend: the connection failed.\n${error.message}`;
      // A write that races the end of the process (crash or stop) fails with these; the
      // close that follows says what happened, so they are only worth a log line.
      const expected = this.phase === 'stopping' || this.phase === 'closed' || isChannelGone(error);
      if (expected || this.errorShown) {
        log.warn(message);
        return;
      }
      this.errorShown = true;
      log.error(message);
      showError(log, message);
    });
    connection.onClose(() => this.closed());
    connection.onNotification(LogMessageNotification, ({ type, message }) => logMessage(log, type, message));
    connection.onNotification(ShowMessageNotification, ({ type, message }) => void showMessage(type, message));
    connection.onRequest(ShowMessageRequest, ({ type, message, actions }) => showMessage(type, message, actions));
  }

  /** Forks the backend; nothing is sent until `initialize`, so handlers can be attached first. */
  static async fork(options: BackendForkOptions): Promise<BackendConnection> {
    const env: NodeJS.ProcessEnv = { ELECTRON_RUN_AS_NODE: '1', ELECTRON_NO_ASAR: '1', ...process.env };
    if (options.apiKey) env.ANTHROPIC_API_KEY = options.apiKey;
    const child = fork(options.serverModule, ['serve', '--node-ipc', `--clientProcessId=${process.pid}`], {
      env,
      execArgv: startedInDebugMode() ? DEBUG_EXEC_ARGV : [],
      cwd: await workingDirectory(),
      silent: true,
    });
    // The backend logs through the connection; anything else it prints still reaches the log.
    if (child.stdout) lines(child.stdout, (line) => options.log.info(line));
    if (child.stderr) lines(child.stderr, (line) => options.log.error(line));
    const logger = {
      error: (message: string) => options.log.error(message),
      warn: (message: string) => options.log.warn(message),
      info: (message: string) => options.log.info(message),
      log: (message: string) => options.log.info(message),
    };
    const connection = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child), logger);
    return new BackendConnection(child, connection, options);
  }

  /** Keeps `disposable` (a handler) until this run ends. */
  track(disposable: vscode.Disposable): void {
    if (this.phase === 'closed') disposable.dispose();
    else this.attachments.push(disposable);
  }

  /**
   * Starts listening and runs the LSP handshake. Rejects with a `BackendStartError`, the
   * process killed, if the backend exits first, does not answer within `timeoutMs`, or `stop`
   * is called meanwhile.
   */
  async initialize(
    initializationOptions: BackendInitializationOptions,
    timeoutMs = INITIALIZE_TIMEOUT_MS,
  ): Promise<void> {
    this.phase = 'initializing';
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    try {
      this.connection.listen();
      const handshake = this.handshake(initializationOptions);
      // Lost the race: it fails later, when the connection is disposed below.
      handshake.catch(() => undefined);
      if ((await Promise.race([timeout, handshake])) === 'timeout') {
        throw new BackendStartError(
          `The Takoss backend did not answer within ${timeoutMs / 1000} s; see "Takoss: Show Logs".`,
        );
      }
      if (this.phase !== 'initializing') throw new Error('The connection closed while starting.');
      this.phase = 'running';
    } catch (error) {
      throw await this.startFailed(error);
    } finally {
      clearTimeout(timer);
    }
  }

  private async handshake(initializationOptions: BackendInitializationOptions): Promise<void> {
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((folder) => folder.uri.scheme === 'file');
    const root = folders[0]?.uri;
    await this.connection.sendRequest(InitializeRequest, {
      processId: process.pid,
      clientInfo: { name: vscode.env.appName, version: vscode.version },
      locale: vscode.env.language,
      rootPath: root?.fsPath ?? null,
      rootUri: root?.toString() ?? null,
      capabilities: {},
      initializationOptions,
      trace: 'off',
      workspaceFolders: folders.map((folder) => ({ uri: folder.uri.toString(), name: folder.name })),
    });
    await this.connection.sendNotification(InitializedNotification, {});
  }

  /** Ends this run and its process after a failed start; returns the error to throw. */
  private async startFailed(error: unknown): Promise<BackendStartError> {
    if (this.stopRequested) return new BackendStartError('The Takoss backend was stopped while it was starting.');
    this.end();
    const exited = hasExited(this.child);
    await terminateTree(this.child);
    let failure: BackendStartError;
    if (error instanceof BackendStartError) failure = error;
    else if (exited) {
      const { exitCode, signalCode } = this.child;
      const how = signalCode ? `was killed (${signalCode})` : `exited with code ${exitCode}`;
      failure = new BackendStartError(`The Takoss backend ${how} before it answered; see "Takoss: Show Logs".`, {
        cause: error,
      });
    } else {
      this.options.log.error(`Takoss backend: initialization failed.\n${describeError(error)}`);
      failure = new BackendStartError(`The Takoss backend did not start: ${errorMessage(error)}`, { cause: error });
    }
    this.options.log.error(failure.message);
    return failure;
  }

  /**
   * Sends a request to the backend. If the backend dies before answering, it rejects with
   * an error that says so (and which request), not the connection library's.
   */
  async sendRequest<R>(method: string, params?: unknown, token?: vscode.CancellationToken): Promise<R> {
    if (token?.isCancellationRequested) throw new ResponseError(REQUEST_CANCELLED, 'Request got cancelled');
    // Without a token or params, pass none at all: an `undefined` argument would be sent as a parameter.
    const rest: unknown[] = params === undefined ? [] : [params];
    if (token) rest.push(token);
    try {
      return await this.connection.sendRequest<R>(method, ...rest);
    } catch (error) {
      if (this.crash === undefined || !lostWithConnection(error)) throw error;
      throw new Error(
        `The Takoss backend stopped (${this.crash}) while handling ${method}; ` +
          'it restarts on its own — see "Takoss: Show Logs".',
        { cause: error },
      );
    }
  }

  onNotification(method: string, handler: (params: unknown) => void): vscode.Disposable {
    return toVscode(this.connection.onNotification(method, handler));
  }

  onRequest<P, R>(method: string, handler: (params: P, token: CancellationToken) => Promise<R>): vscode.Disposable {
    return toVscode(this.connection.onRequest(method, handler));
  }

  /**
   * Asks a running backend to shut down (`shutdown`, then `exit`) and waits up to
   * `timeoutMs` for its process to exit. On a timeout or a failed shutdown its process tree
   * is killed at once, and this rejects; a backend still starting is killed at once too.
   * Resolves only once the process is gone (or was killed), never on a timer left behind.
   */
  async stop(timeoutMs: number): Promise<void> {
    if (this.phase === 'closed' || this.phase === 'stopping') return;
    const wasRunning = this.phase === 'running';
    this.stopRequested = true;
    this.phase = 'stopping';
    this.lifetimeSource.cancel();
    let timer: NodeJS.Timeout | undefined;
    try {
      if (!wasRunning) return;
      const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
      const shutdown = (async () => {
        await this.connection.sendRequest(ShutdownRequest);
        await this.connection.sendNotification(ExitNotification);
        await this.exited;
        return 'done' as const;
      })();
      // Lost the race: the shutdown still fails later, when the connection is disposed below.
      shutdown.catch(() => undefined);
      if ((await Promise.race([timeout, shutdown])) === 'timeout') {
        throw new Error(`The Takoss backend did not stop within ${timeoutMs / 1000} s; it was killed.`);
      }
    } finally {
      clearTimeout(timer);
      this.end();
      // Also what the backend started (a verify step's npm → node → …), if it is still alive.
      await terminateTree(this.child);
    }
  }

  private closed(): void {
    const unexpected = this.phase === 'running';
    // The child's `close` comes after its `exit`: the exit code is known here.
    if (unexpected) this.crash = describeExit(this.child);
    this.end();
    if (unexpected) this.options.onUnexpectedClose(this);
  }

  /** Ends this run on our side: handlers go, pending requests are rejected. */
  private end(): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.lifetimeSource.cancel();
    this.lifetimeSource.dispose();
    for (const attachment of this.attachments.splice(0)) attachment.dispose();
    this.connection.end();
    this.connection.dispose();
  }
}

function toVscode(disposable: { dispose(): void }): vscode.Disposable {
  return new vscode.Disposable(() => disposable.dispose());
}

function lines(stream: NodeJS.ReadableStream, write: (line: string) => void): void {
  createInterface({ input: stream, crlfDelay: Infinity, terminal: false, historySize: 0 }).on('line', write);
}

/** The backend's working directory: the first workspace folder on disk; else the extension host's. */
async function workingDirectory(): Promise<string | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (folder?.uri.scheme !== 'file') return undefined;
  const info = await stat(folder.uri.fsPath).catch(() => undefined);
  return info?.isDirectory() ? folder.uri.fsPath : undefined;
}

function startedInDebugMode(): boolean {
  return process.execArgv.some(
    (arg) =>
      /^--(debug|debug-brk|inspect|inspect-brk)=/.test(arg) ||
      ['--debug', '--debug-brk', '--inspect', '--inspect-brk'].includes(arg),
  );
}

function logMessage(log: vscode.LogOutputChannel, type: number, message: string): void {
  if (type === MessageType.Error) log.error(message);
  else if (type === MessageType.Warning) log.warn(message);
  else if (type === MessageType.Info) log.info(message);
  else if (type === MessageType.Debug) log.debug(message);
  else log.appendLine(message); // MessageType.Log
}

function showMessage(type: number, message: string, actions: vscode.MessageItem[] = []) {
  if (type === MessageType.Error) return vscode.window.showErrorMessage(message, ...actions);
  if (type === MessageType.Warning) return vscode.window.showWarningMessage(message, ...actions);
  return vscode.window.showInformationMessage(message, ...actions);
}

function showError(log: vscode.LogOutputChannel, message: string): void {
  void vscode.window.showErrorMessage(message, 'Go to output').then((choice) => {
    if (choice) log.show(true);
  });
}

function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** "exit code 3", "killed by SIGKILL": how `child` ended, for messages. */
function describeExit(child: ChildProcess): string {
  if (child.signalCode) return `killed by ${child.signalCode}`;
  if (child.exitCode !== null) return `exit code ${child.exitCode}`;
  return 'its connection closed';
}

/** The IPC channel is gone: the process exited or is exiting. */
function isChannelGone(error: Error): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ERR_IPC_CHANNEL_CLOSED' || code === 'EPIPE' || code === 'ECONNRESET';
}

/** The request failed because the connection went away, not with the backend's own answer. */
function lostWithConnection(error: unknown): boolean {
  if (!(error instanceof ResponseError)) return true;
  return error.code === ErrorCodes.PendingResponseRejected || error.code === ErrorCodes.MessageWriteError;
}
