import * as vscode from 'vscode';
import type { CancellationToken, NotificationType, RequestType, RequestType0 } from 'vscode-jsonrpc';
import {
  HealthDidChangeNotification,
  HealthRequest,
  type BackendInitializationOptions,
  type HealthReport,
} from '../../../server/src/protocol';
import type { ApiKeyStore } from '../settings/apiKeyStore';
import { readExplicitSettings } from '../settings/explicitSettings';
import { BackendConnection, BackendStartError } from './backendConnection';
import type { BackendState } from './backendState';
import { RestartPolicy, type RestartPolicyOptions } from './restartPolicy';

export interface BackendClientOptions {
  /** Absolute path of the backend bundle (dist/cli.js), forked as `cli.js serve --node-ipc`. */
  readonly serverModule: string;
  readonly log: vscode.LogOutputChannel;
  readonly apiKeys: Pick<ApiKeyStore, 'get'>;
  /** How long a start waits for `initialize` to be answered. @defaultValue 30000 */
  readonly initializeTimeoutMs?: number;
  /** How long `stop` waits for a graceful shutdown before the process is killed. @defaultValue 5000 */
  readonly stopTimeoutMs?: number;
  readonly restartPolicy?: RestartPolicyOptions;
  /** The clock the restart policy is fed with (tests pretend a run lasted minutes). @defaultValue Date.now */
  readonly now?: () => number;
}

/** How long `stop` waits for a graceful shutdown before the process is killed. */
const STOP_TIMEOUT_MS = 5000;
/** @defaultValue of `ensureSettled`'s limit. */
const SETTLE_TIMEOUT_MS = 60_000;

/** A handler to attach to each run of the backend, and its attachment to the current run. */
interface Registration {
  readonly attach: (connection: BackendConnection) => vscode.Disposable;
  current: vscode.Disposable | undefined;
}

/**
 * Owns the backend process: starts it lazily (first command or view), restarts it with
 * backoff when it crashes, and stops it gracefully. Everything else talks to the backend
 * through `request` and learns its state from `onDidChangeState`.
 */
export class BackendClient implements vscode.Disposable {
  private readonly stateEmitter = new vscode.EventEmitter<BackendState>();
  readonly onDidChangeState = this.stateEmitter.event;
  private currentState: BackendState = { kind: 'stopped' };
  /** The current run of the backend; undefined while stopped, starting or waiting to restart. */
  private connection: BackendConnection | undefined;
  /** Set from the first start until `stop`: a start, the wait before a restart, or done. */
  private starting: Promise<void> | undefined;
  /** A `stop` in progress; a start waits for it, so two backends never run at once. */
  private stopping: Promise<void> | undefined;
  /** Bumped by `stop`, so a start or restart begun before it ends instead of going on after it. */
  private generation = 0;
  /** Ends the wait before a restart early (see `pause`). */
  private cancelPause: (() => void) | undefined;
  private readonly restartPolicy: RestartPolicy;
  private readonly now: () => number;
  /** Handlers that must be registered on every run of the backend. */
  private readonly registrations = new Set<Registration>();
  /** Listeners per notification method; see `onNotification`. */
  private readonly notificationListeners = new Map<string, Set<(params: unknown) => void>>();
  private disposed = false;

  constructor(private readonly options: BackendClientOptions) {
    this.restartPolicy = new RestartPolicy(options.restartPolicy);
    this.now = options.now ?? Date.now;
  }

  get state(): BackendState {
    return this.currentState;
  }

  /** Starts the backend if it is not running; resolves once it answers. */
  ensureStarted(): Promise<void> {
    if (this.disposed) return Promise.reject(new Error('The Takoss extension is shutting down.'));
    if (this.starting) return this.starting;
    const starting: Promise<void> = this.start(this.generation).catch((error: unknown) => {
      // A failed start may be retried by the next caller (unless a stop or another start came since).
      if (this.starting === starting) this.starting = undefined;
      throw error;
    });
    this.starting = starting;
    return starting;
  }

  /**
   * The backend's health if it runs and is past its first check of every service; undefined
   * while it stops or restarts (its state still says running until the old process exits).
   */
  settledHealth(): HealthReport | undefined {
    return this.connection && !this.disposed ? settledHealthOf(this.currentState) : undefined;
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
        const health = settledHealthOf(state);
        if (health) resolve(health);
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
    const connection = await this.runningConnection();
    return connection.sendRequest<R>(type.method);
  }

  /** A request with parameters; a backend error arrives as an Error with the backend's message. */
  async send<P, R>(type: RequestType<P, R, void>, params: P, token?: vscode.CancellationToken): Promise<R> {
    const connection = await this.runningConnection();
    // By method name: `send`'s own signature keeps callers typed by the protocol constant.
    return connection.sendRequest<R>(type.method, params, token);
  }

  /**
   * Listens to a backend notification, across restarts of the backend. Any number of
   * listeners may share a notification: the connection keeps one handler per method, which
   * fans out (registering a second handler directly would silently replace the first).
   */
  onNotification<P>(type: NotificationType<P>, handler: (params: P) => void): vscode.Disposable {
    let listeners = this.notificationListeners.get(type.method);
    if (!listeners) {
      const created = new Set<(params: unknown) => void>();
      listeners = created;
      this.notificationListeners.set(type.method, created);
      this.register((connection) =>
        connection.onNotification(type.method, (params) => {
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
    return this.register((connection) =>
      connection.onRequest(type.method, (params: P, token: CancellationToken) => {
        // Cancelled when the backend cancels the request, or when this run of it ends.
        const either = new vscode.CancellationTokenSource();
        const links = [
          token.onCancellationRequested(() => either.cancel()),
          connection.lifetime.onCancellationRequested(() => either.cancel()),
        ];
        return handler(params, either.token).finally(() => {
          for (const link of links) link.dispose();
          either.dispose();
        });
      }),
    );
  }

  private register(attach: (connection: BackendConnection) => vscode.Disposable): vscode.Disposable {
    const registration: Registration = { attach, current: undefined };
    this.registrations.add(registration);
    if (this.connection) this.attach(this.connection, registration);
    return new vscode.Disposable(() => {
      registration.current?.dispose();
      registration.current = undefined;
      this.registrations.delete(registration);
    });
  }

  private attach(connection: BackendConnection, registration: Registration): void {
    const attached = registration.attach(connection);
    registration.current = attached;
    connection.track(attached);
  }

  private async runningConnection(): Promise<BackendConnection> {
    await this.ensureStarted();
    if (!this.connection) throw new Error('The Takoss backend is not running.');
    return this.connection;
  }

  /** Stops and starts again, picking up the current settings and API key. */
  async restart(): Promise<void> {
    this.restartPolicy.reset();
    await this.stop();
    await this.ensureStarted();
  }

  /** Restarts only if running (or restarting), so a stopped backend stays lazy. */
  async restartIfRunning(): Promise<void> {
    if (this.starting) await this.restart();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.stop();
    this.stateEmitter.dispose();
  }

  private async start(generation: number): Promise<void> {
    // A stop in progress ends its backend first (a request made during "Restart Backend").
    await this.stopping;
    if (this.stoppedSince(generation)) throw new Error('The Takoss backend was stopped before it started.');
    this.setState({ kind: 'starting' });
    try {
      await this.connect(generation);
    } catch (error) {
      // Stopped meanwhile: `stop` says what the state is.
      if (this.stoppedSince(generation)) throw error;
      const reason =
        error instanceof BackendStartError
          ? error.message
          : `The Takoss backend did not start: ${error instanceof Error ? error.message : String(error)}`;
      this.setState({ kind: 'failed', reason });
      throw new Error(reason, { cause: error });
    }
  }

  private stoppedSince(generation: number): boolean {
    return generation !== this.generation || this.disposed;
  }

  /** Forks a backend, attaches every handler and runs the handshake. */
  private async connect(generation: number): Promise<void> {
    const apiKey = await this.options.apiKeys.get();
    const connection = await BackendConnection.fork({
      serverModule: this.options.serverModule,
      log: this.options.log,
      apiKey,
      onUnexpectedClose: (closed) => this.onUnexpectedClose(closed),
    });
    if (this.stoppedSince(generation)) {
      await connection.stop(0); // not initialized yet: killed at once
      throw new BackendStartError('The Takoss backend was stopped while it was starting.');
    }
    // Set before the handshake, so a `stop` meanwhile finds it and kills it.
    this.connection = connection;
    connection.track(
      connection.onNotification(HealthDidChangeNotification.method, (health) => {
        if (connection === this.connection) this.setState({ kind: 'running', health: health as HealthReport });
      }),
    );
    for (const registration of this.registrations) this.attach(connection, registration);
    try {
      await connection.initialize(this.initializationOptions(), this.options.initializeTimeoutMs);
    } catch (error) {
      if (this.connection === connection) this.connection = undefined;
      throw error;
    }
    // Not if it already died: that crash was counted, and this run must not pass for stable.
    if (connection !== this.connection) return;
    this.restartPolicy.started(this.now());
    void this.refreshHealth(connection);
  }

  private initializationOptions(): BackendInitializationOptions {
    return { settings: readExplicitSettings() };
  }

  /**
   * Stops the backend: a running one gracefully, one still starting at once. A start
   * requested meanwhile waits for this to finish, then starts a new backend.
   */
  private async stop(): Promise<void> {
    this.generation += 1;
    this.cancelPause?.();
    const connection = this.connection;
    const starting = this.starting;
    this.connection = undefined;
    this.starting = undefined;
    const stopping = this.stopRun(connection, starting, this.stopping);
    this.stopping = stopping;
    await stopping;
    if (this.stopping === stopping) this.stopping = undefined;
    // Unless a new start began meanwhile (it set its own state).
    if (!this.disposed && !this.starting && !this.connection) this.setState({ kind: 'stopped' });
  }

  /** Never rejects. */
  private async stopRun(
    connection: BackendConnection | undefined,
    starting: Promise<void> | undefined,
    previous: Promise<void> | undefined,
  ): Promise<void> {
    if (connection) {
      try {
        await connection.stop(this.options.stopTimeoutMs ?? STOP_TIMEOUT_MS);
      } catch (error) {
        this.options.log.warn(`Backend did not stop cleanly: ${String(error)}`);
      }
    }
    // A start or restart in progress sees the new generation and ends promptly, killing what it forked.
    await starting?.catch(() => undefined);
    await previous;
  }

  private async refreshHealth(connection: BackendConnection): Promise<void> {
    try {
      const health = await connection.sendRequest<HealthReport>(HealthRequest.method);
      if (connection === this.connection) this.setState({ kind: 'running', health });
    } catch (error) {
      // A backend that died meanwhile was reported already.
      if (connection === this.connection) this.options.log.warn(`Health request failed: ${String(error)}`);
    }
  }

  private onUnexpectedClose(connection: BackendConnection): void {
    if (connection !== this.connection || this.disposed) return;
    this.connection = undefined;
    const restarting = this.restartAfterCrash();
    restarting.catch(() => undefined);
    this.starting = restarting;
  }

  /** After a crash: wait as the policy says, start a new backend; a failed start counts as another crash. */
  private async restartAfterCrash(): Promise<void> {
    const generation = this.generation;
    for (;;) {
      const decision = this.restartPolicy.crashed(this.now());
      if (!decision.restart) {
        const reason =
          `The Takoss backend stopped ${decision.crashes + 1} times in a row and was not restarted again. ` +
          'See "Takoss: Show Logs", then run "Takoss: Restart Backend".';
        this.options.log.error(reason);
        this.setState({ kind: 'failed', reason });
        throw new Error(reason);
      }
      this.options.log.warn(
        `Backend stopped unexpectedly; restarting in ${decision.delayMs} ms (attempt ${decision.attempt}).`,
      );
      this.setState({ kind: 'restarting', attempt: decision.attempt, delayMs: decision.delayMs });
      const due = await this.pause(decision.delayMs);
      if (!due || this.stoppedSince(generation)) {
        throw new Error('The Takoss backend was stopped before it restarted.');
      }
      try {
        await this.connect(generation);
        return;
      } catch (error) {
        if (this.stoppedSince(generation)) throw error;
        // The connection logged why already.
        if (!(error instanceof BackendStartError))
          this.options.log.error(`Restarting the backend failed: ${String(error)}`);
      }
    }
  }

  /** Resolves true after `ms`, or false as soon as `stop` cancels the wait. */
  private pause(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(true), ms);
      const finish = (due: boolean) => {
        clearTimeout(timer);
        this.cancelPause = undefined;
        resolve(due);
      };
      this.cancelPause = () => finish(false);
    });
  }

  private setState(state: BackendState): void {
    this.currentState = state;
    this.stateEmitter.fire(state);
  }
}

/** The health in `state` once the backend is past its first check of every service. */
export function settledHealthOf(state: BackendState): HealthReport | undefined {
  return state.kind === 'running' && state.health.phase !== 'starting' ? state.health : undefined;
}
