import * as vscode from 'vscode';
import type { ChainSnapshot } from '../../../server/src/chainSnapshot';
import {
  ChainDidChangeNotification,
  ChainGetRequest,
  ChainsDidChangeNotification,
  ChainsListRequest,
  TaskOutputNotification,
  type ChainSummaryView,
} from '../../../server/src/protocol';
import type { BackendClient } from '../backend/backendClient';

/** A snapshot as the UI gets it, numbered by this store so versions only grow (across backend restarts too). */
export interface VersionedSnapshot {
  readonly version: number;
  readonly chain: ChainSnapshot;
}

export interface TaskOutput {
  readonly chainId: string;
  readonly taskId: string;
  readonly text: string;
}

/**
 * The extension's one copy of what the backend says about chains: the list, the newest
 * snapshot of each chain it follows, and the text running tasks stream. Trees, the graph
 * panel and the status bar read from here and refresh on its events; nothing polls.
 */
export class ChainStore implements vscode.Disposable {
  private readonly listEmitter = new vscode.EventEmitter<void>();
  private readonly chainEmitter = new vscode.EventEmitter<VersionedSnapshot>();
  private readonly outputEmitter = new vscode.EventEmitter<TaskOutput>();
  /** The list changed (a chain started, ended or was cleaned up). */
  readonly onDidChangeList = this.listEmitter.event;
  /** A chain's snapshot changed. */
  readonly onDidChangeChain = this.chainEmitter.event;
  readonly onDidTaskOutput = this.outputEmitter.event;

  private summaries: Promise<ChainSummaryView[]> | undefined;
  private readonly snapshots = new Map<string, VersionedSnapshot>();
  /** The backend's version of each chain, to drop a late older snapshot; reset when the backend restarts. */
  private readonly backendVersions = new Map<string, number>();
  private readonly outputs = new Map<string, string>();
  private nextVersion = 1;
  /** The backend stopped or restarted since the last `running` state. */
  private interrupted = false;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly backend: BackendClient) {
    this.subscriptions = [
      backend.onNotification(ChainDidChangeNotification, ({ version, chain }) => this.accept(version, chain)),
      backend.onNotification(ChainsDidChangeNotification, () => this.invalidateList()),
      backend.onNotification(TaskOutputNotification, (output) => {
        this.outputs.set(outputKey(output.chainId, output.taskId), output.text);
        this.outputEmitter.fire(output);
      }),
      backend.onDidChangeState((state) => {
        if (state.kind !== 'running') {
          // A new backend numbers its snapshots from 1 again, and follows none of the old one's chains.
          this.backendVersions.clear();
          this.interrupted = true;
          return;
        }
        if (this.interrupted) {
          this.interrupted = false;
          this.dropLiveSnapshots();
        }
        this.invalidateList();
      }),
    ];
  }

  /** The chains, newest first; loaded once and again after each list notification. */
  list(): Promise<ChainSummaryView[]> {
    this.summaries ??= this.backend.request(ChainsListRequest).catch((error: unknown) => {
      this.summaries = undefined;
      throw error;
    });
    return this.summaries;
  }

  /** The newest snapshot of a chain, asking the backend if this window has not seen one yet. */
  async get(chainId: string): Promise<VersionedSnapshot> {
    const known = this.snapshots.get(chainId);
    if (known) return known;
    const chain = await this.backend.send(ChainGetRequest, { chainId });
    return this.snapshots.get(chainId) ?? this.store(chain);
  }

  /** The snapshot if this window has one, without asking. */
  peek(chainId: string): VersionedSnapshot | undefined {
    return this.snapshots.get(chainId);
  }

  /** Records a snapshot a request returned (start, resume, retry): it is at least as new as any notification before it. */
  accept(backendVersion: number | undefined, chain: ChainSnapshot): VersionedSnapshot {
    if (backendVersion !== undefined) {
      const seen = this.backendVersions.get(chain.chainId) ?? 0;
      const known = this.snapshots.get(chain.chainId);
      if (backendVersion <= seen && known) return known;
      this.backendVersions.set(chain.chainId, backendVersion);
    }
    return this.store(chain);
  }

  output(chainId: string, taskId: string): string | undefined {
    return this.outputs.get(outputKey(chainId, taskId));
  }

  /** Chains with work in flight, from the snapshots this window follows. */
  liveChains(): ChainSnapshot[] {
    return [...this.snapshots.values()]
      .map(({ chain }) => chain)
      .filter((chain) => chain.status === 'queued' || chain.status === 'running' || chain.status === 'cancelling');
  }

  forget(chainId: string): void {
    this.snapshots.delete(chainId);
    this.backendVersions.delete(chainId);
    for (const key of [...this.outputs.keys()]) if (key.startsWith(`${chainId}\u0000`)) this.outputs.delete(key);
    this.invalidateList();
  }

  /** Live snapshots of a backend that went away are stale: forget them, so views ask the new one. */
  private dropLiveSnapshots(): void {
    for (const chain of this.liveChains()) this.snapshots.delete(chain.chainId);
  }

  invalidateList(): void {
    this.summaries = undefined;
    this.listEmitter.fire();
  }

  private store(chain: ChainSnapshot): VersionedSnapshot {
    const versioned = { version: this.nextVersion++, chain };
    this.snapshots.set(chain.chainId, versioned);
    this.chainEmitter.fire(versioned);
    return versioned;
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.listEmitter.dispose();
    this.chainEmitter.dispose();
    this.outputEmitter.dispose();
  }
}

const outputKey = (chainId: string, taskId: string) => `${chainId}\u0000${taskId}`;
