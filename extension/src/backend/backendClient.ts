import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  RevealOutputChannelOn,
  State,
  TransportKind,
  type CloseHandlerResult,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import type { NotificationType, RequestType, RequestType0 } from 'vscode-jsonrpc';
import {
  HealthDidChangeNotification,
  HealthRequest,
  type BackendInitializationOptions,
  type HealthReport,
} from '../../../server/src/protocol';
import type { ApiKeyStore } from '../settings/apiKeyStore';
import { readExplicitSettings } from '../settings/explicitSettings';
import type { BackendState } from './backendState';
import { RestartPolicy } from './restartPolicy';

export interface BackendClientOptions {
  /** Absolute path of the backend bundle (dist/cli.js), forked as `cli.js serve --node-ipc`. */
  readonly serverModule: string;
  readonly log: vscode.LogOutputChannel;
  readonly apiKeys: ApiKeyStore;
}

/** How long `stop` waits for a graceful shutdown before the process is killed. */
const STOP_TIMEOUT_MS = 5000;
/** @defaultValue of `ensureSettled`'s limit. */
const SETTLE_TIMEOUT_MS = 60_000;

/**
 * Owns the backend process: starts it lazily (first command or view), restarts it with
 * backoff when it crashes, and stops it gracefully. Everything else talks to the backend
 * through `request` and learns its state from `onDidChangeState`.
 */
export class BackendClient implements vscode.Disposable {
  private readonly stateEmitter = new vscode.EventEmitter<BackendState>();
  readonly onDidChangeState = this.stateEmitter.event;
  private currentState: BackendState = { kind: 'stopped' };
  private client: LanguageClient | undefined;
  private starting: Promise<void> | undefined;
  private readonly restartPolicy = new RestartPolicy();
  /** Handlers that must be registered on every client this backend gets (restarts make new ones). */
  private readonly registrations: ((client: LanguageClient) => vscode.Disposable)[] = [];
  /** Listeners per notification method; see `onNotification`. */
  private readonly notificationListeners = new Map<string, Set<(params: unknown) => void>>();
  private disposed = false;

  constructor(private readonly options: BackendClientOptions) {}

  get state(): BackendState {
    return this.currentState;
  }

  /** Starts the backend if it is not running; resolves once it answers. */
  ensureStarted(): Promise<void> {
    if (this.disposed) return Promise.reject(new Error('The Takoss extension is shutting down.'));
    this.starting ??= this.start().catch((error: unknown) => {
      this.starting = undefined;
      throw error;
    });
    return this.starting;
  }

  /**
   * Starts the backend and waits until its first health check of every service is done.
   * Service checks time out on their own (a few seconds); the limit here only guards
   * against a backend that stopped answering altogether.
   */
  async ensureSettled(timeoutMs = SETTLE_TIMEOUT_MS): Promise<HealthReport> {
    await this.ensureStarted();
    return new Promise((resolve, reject) => {
      const settle = (state: BackendState): boolean => {
        if (state.kind === 'running' && state.health.phase !== 'starting') resolve(state.health);
        else if (state.kind === 'failed') reject(new Error(state.reason));
        else return false;
        return true;
      };
      if (settle(this.currentState)) return;
      const timer = setTimeout(() => {
        subscription.dispose();
        reject(
          new Error(
            `The Takoss backend did not report its state within ${timeoutMs / 1000} s. See "Takoss: Show Logs".`,
          ),
        );
      }, timeoutMs);
      const subscription = this.onDidChangeState((state) => {
        if (!settle(state)) return;
        clearTimeout(timer);
        subscription.dispose();
      });
    });
  }

  async request<R>(type: RequestType0<R, void>): Promise<R> {
    const client = await this.runningClient();
    return client.sendRequest(type);
  }

  /** A request with parameters; a backend error arrives as an Error with the backend's message. */
  async send<P, R>(type: RequestType<P, R, void>, params: P, token?: vscode.CancellationToken): Promise<R> {
    const client = await this.runningClient();
    // By method name: the typed overloads cannot match generic parameters; `send`'s own
    // signature keeps callers typed by the protocol constant.
    // Without a token, pass none at all: an `undefined` last argument would be sent as a
    // second parameter (the method-name overload treats every argument but a token as one).
    return token ? client.sendRequest<R>(type.method, params, token) : client.sendRequest<R>(type.method, params);
  }

  /**
   * Listens to a backend notification, across restarts of the backend. Any number of
   * listeners may share a notification: the client keeps one handler per method, which
   * fans out (registering a second handler directly would silently replace the first).
   */
  onNotification<P>(type: NotificationType<P>, handler: (params: P) => void): vscode.Disposable {
    let listeners = this.notificationListeners.get(type.method);
    if (!listeners) {
      const created = new Set<(params: unknown) => void>();
      listeners = created;
      this.notificationListeners.set(type.method, created);
      this.register((client) =>
        client.onNotification(type.method, (params: unknown) => {
          for (const listener of [...created]) listener(params);
        }),
      );
    }
    const listener = handler as (params: unknown) => void;
    listeners.add(listener);
    const registered = listeners;
    return new vscode.Disposable(() => registered.delete(listener));
  }

  /**
   * Answers a request the backend sends (e.g. writing files), across restarts of the
   * backend. The token is cancelled when the backend cancels the request or goes away.
   */
  onRequest<P, R>(
    type: RequestType<P, R, void>,
    handler: (params: P, token: vscode.CancellationToken) => Promise<R>,
  ): vscode.Disposable {
    return this.register((client) => {
      // Cancelled when this client's server stops; a fresh one for each run of the server.
      let serverRun = new vscode.CancellationTokenSource();
      const handled = client.onRequest(type.method, (params: P, token: vscode.CancellationToken) => {
        const either = new vscode.CancellationTokenSource();
        const links = [token, serverRun.token].map((source) => source.onCancellationRequested(() => either.cancel()));
        return handler(params, either.token).finally(() => {
          for (const link of links) link.dispose();
          either.dispose();
        });
      });
      const watch = client.onDidChangeState(({ newState }) => {
        if (newState === State.Running) return;
        serverRun.cancel();
        serverRun.dispose();
        serverRun = new vscode.CancellationTokenSource();
      });
      return new vscode.Disposable(() => {
        serverRun.cancel();
        serverRun.dispose();
        handled.dispose();
        watch.dispose();
      });
    });
  }

  private register(attach: (client: LanguageClient) => vscode.Disposable): vscode.Disposable {
    this.registrations.push(attach);
    let current = this.client ? attach(this.client) : undefined;
    return new vscode.Disposable(() => {
      current?.dispose();
      current = undefined;
      const index = this.registrations.indexOf(attach);
      if (index >= 0) this.registrations.splice(index, 1);
    });
  }

  private async runningClient(): Promise<LanguageClient> {
    await this.ensureStarted();
    if (!this.client) throw new Error('The Takoss backend is not running.');
    return this.client;
  }

  /** Stops and starts again, picking up the current settings and API key. */
  async restart(): Promise<void> {
    this.restartPolicy.reset();
    await this.stop();
    await this.ensureStarted();
  }

  /** Restarts only if running, so a stopped backend stays lazy. */
  async restartIfRunning(): Promise<void> {
    if (this.client) await this.restart();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.stop();
    this.stateEmitter.dispose();
  }

  private async start(): Promise<void> {
    this.setState({ kind: 'starting' });
    const client = await this.createClient();
    this.client = client;
    client.onNotification(HealthDidChangeNotification, (health) => this.setState({ kind: 'running', health }));
    for (const attach of this.registrations) attach(client);
    client.onDidChangeState(({ newState }) => {
      if (newState === State.Running) {
        this.restartPolicy.started(Date.now());
        void this.refreshHealth(client);
      }
    });
    try {
      await client.start();
    } catch (error) {
      this.client = undefined;
      const reason = `The Takoss backend did not start: ${error instanceof Error ? error.message : String(error)}`;
      this.setState({ kind: 'failed', reason });
      throw new Error(reason, { cause: error });
    }
  }

  private async stop(): Promise<void> {
    // A start in progress would otherwise leave its client (and process) behind.
    await this.starting?.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    this.starting = undefined;
    if (client) {
      try {
        await client.stop(STOP_TIMEOUT_MS);
      } catch (error) {
        this.options.log.warn(`Backend did not stop cleanly: ${String(error)}`);
      }
    }
    if (!this.disposed) this.setState({ kind: 'stopped' });
  }

  private async refreshHealth(client: LanguageClient): Promise<void> {
    try {
      const health = await client.sendRequest(HealthRequest);
      if (client === this.client) this.setState({ kind: 'running', health });
    } catch (error) {
      this.options.log.warn(`Health request failed: ${String(error)}`);
    }
  }

  private async createClient(): Promise<LanguageClient> {
    const apiKey = await this.options.apiKeys.get();
    const env: NodeJS.ProcessEnv = { ...process.env };
    if (apiKey) env.ANTHROPIC_API_KEY = apiKey;
    const run = { module: this.options.serverModule, args: ['serve'], transport: TransportKind.ipc, options: { env } };
    const serverOptions: ServerOptions = {
      run,
      debug: { ...run, options: { env, execArgv: ['--nolazy', '--inspect=6019'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: [],
      outputChannel: this.options.log,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationOptions: (): BackendInitializationOptions => ({ settings: readExplicitSettings() }),
      errorHandler: {
        error: () => ({ action: ErrorAction.Continue }),
        closed: () => this.onUnexpectedClose(),
      },
    };
    return new LanguageClient('takoss', 'Takoss backend', serverOptions, clientOptions);
  }

  private async onUnexpectedClose(): Promise<CloseHandlerResult> {
    if (this.disposed) return { action: CloseAction.DoNotRestart, handled: true };
    const decision = this.restartPolicy.crashed(Date.now());
    if (!decision.restart) {
      const reason =
        `The Takoss backend stopped ${decision.crashes + 1} times in a row and was not restarted again. ` +
        'See "Takoss: Show Logs", then run "Takoss: Restart Backend".';
      this.options.log.error(reason);
      this.setState({ kind: 'failed', reason });
      return { action: CloseAction.DoNotRestart, handled: true };
    }
    this.options.log.warn(
      `Backend stopped unexpectedly; restarting in ${decision.delayMs} ms (attempt ${decision.attempt}).`,
    );
    this.setState({ kind: 'restarting', attempt: decision.attempt, delayMs: decision.delayMs });
    await new Promise((resolve) => setTimeout(resolve, decision.delayMs));
    return { action: this.disposed ? CloseAction.DoNotRestart : CloseAction.Restart, handled: true };
  }

  private setState(state: BackendState): void {
    this.currentState = state;
    this.stateEmitter.fire(state);
  }
}
