/**
 * The extension ↔ backend protocol (JSON-RPC over Node IPC, vscode-jsonrpc on the extension's
 * side, vscode-languageserver on the backend's). Every method name lives here, once, as a typed
 * constant; call sites use the constants and never spell a method name. Payloads are plain
 * JSON: dates travel as ISO strings.
 */
import { NotificationType, RequestType, RequestType0 } from 'vscode-jsonrpc';
import type { ChainSnapshot, ChainVerificationOutcome, UsageView } from './chainSnapshot';

export type { ChainSnapshot } from './chainSnapshot';

/**
 * The settings the extension forwards (`takoss.<key>` in package.json). The backend
 * validates them in config.ts; the list lives here so the extension needs no validator.
 */
export const SETTING_KEYS = [
  'redisUrl',
  'databaseUrl',
  'model',
  'concurrency',
  'contextTtlSeconds',
  'maxTasks',
  'verify',
  'maxRepairs',
] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

/** Sent by the extension as `initializationOptions`. */
export interface BackendInitializationOptions {
  /** Only the settings the user set explicitly; unset ones fall back to env, then defaults. */
  readonly settings: Partial<Record<SettingKey, unknown>>;
}

// ---------------------------------------------------------------------------------------
// Health

/** `ok`: usable. `pending`: not checked yet. `unavailable`: not reachable. `misconfigured`: reachable but unusable. */
export type ServiceState = 'pending' | 'ok' | 'unavailable' | 'misconfigured';

export interface ServiceStatus {
  readonly state: ServiceState;
  /** The URL with its password masked. */
  readonly target: string;
  /** One sentence for the user: what is wrong and how to fix it, or what was found. */
  readonly detail: string;
}

/** `starting` until the first check of every service; then `ready` or `degraded`. */
export type BackendPhase = 'starting' | 'ready' | 'degraded';

export interface HealthReport {
  readonly phase: BackendPhase;
  readonly version: string;
  readonly redis: ServiceStatus;
  readonly postgres: ServiceStatus;
  readonly apiKey: { readonly configured: boolean; readonly detail: string };
  /** Set when a setting is invalid; the services are then not contacted at all. */
  readonly configError?: string;
}

export const HealthRequest = new RequestType0<HealthReport, void>('takoss/health');
export const HealthDidChangeNotification = new NotificationType<HealthReport>('takoss/health/didChange');

// ---------------------------------------------------------------------------------------
// Template library

export interface TemplateVariableView {
  readonly name: string;
  readonly description: string;
  readonly required: boolean;
}

export interface TemplateSummaryView {
  readonly name: string;
  readonly description: string;
  readonly category: string;
  readonly tags: readonly string[];
  readonly usageCount: number;
  readonly lastUsedAt: string | null;
  readonly productionVersion: number | null;
  readonly versions: number;
}

export interface TemplateVersionView {
  readonly name: string;
  readonly category: string;
  readonly version: number;
  readonly labels: readonly string[];
  readonly source: string;
  readonly createdAt: string;
  readonly changeNote: string | null;
  readonly text: string;
  readonly systemPrompt: string | null;
  readonly variables: readonly TemplateVariableView[];
}

export interface TemplateHitView {
  readonly name: string;
  readonly description: string;
  readonly category: string;
  readonly rank: number;
}

export interface VersionAnalyticsView {
  readonly version: number;
  readonly labels: readonly string[];
  readonly runs: number;
  readonly successRate: number | null;
  readonly p50LatencyMs: number | null;
  readonly p95LatencyMs: number | null;
  readonly meanPromptTokens: number | null;
  readonly meanCompletionTokens: number | null;
  readonly meanCostUsd: number | null;
  readonly retries: number;
  /** Chains that used this version and were verified, of `checkedChains` whose verification ran to a verdict. */
  readonly verifiedChains: number;
  readonly checkedChains: number;
}

export interface TemplateAnalyticsView {
  readonly name: string;
  readonly usageCount: number;
  readonly versions: readonly VersionAnalyticsView[];
}

export interface NewTemplateParams {
  readonly name: string;
  readonly description: string;
  readonly category: string;
  readonly text: string;
  readonly variables?: readonly TemplateVariableView[];
}

export interface NewVersionParams {
  readonly name: string;
  readonly text: string;
  readonly systemPrompt?: string | null;
  readonly variables?: readonly TemplateVariableView[];
  readonly changeNote?: string;
  /** The production version the edit started from; refused if production has moved since. */
  readonly basedOn?: number;
}

export const TemplatesListRequest = new RequestType<{ category?: string }, TemplateSummaryView[], void>(
  'takoss/templates/list',
);
export const TemplateVersionsRequest = new RequestType<{ name: string }, TemplateVersionView[], void>(
  'takoss/templates/versions',
);
export const TemplateGetRequest = new RequestType<{ name: string; version?: number }, TemplateVersionView, void>(
  'takoss/templates/get',
);
export const TemplateSearchRequest = new RequestType<{ query: string }, TemplateHitView[], void>(
  'takoss/templates/search',
);
export const TemplateCreateRequest = new RequestType<NewTemplateParams, TemplateVersionView, void>(
  'takoss/templates/create',
);
export const TemplateCreateVersionRequest = new RequestType<NewVersionParams, TemplateVersionView, void>(
  'takoss/templates/createVersion',
);
export const TemplateSetLabelRequest = new RequestType<
  { name: string; version: number; label?: string },
  TemplateVersionView,
  void
>('takoss/templates/setLabel');
export const TemplateRollbackRequest = new RequestType<{ name: string }, TemplateVersionView, void>(
  'takoss/templates/rollback',
);
export const TemplateAnalyticsRequest = new RequestType<{ name: string }, TemplateAnalyticsView, void>(
  'takoss/templates/analytics',
);
export const CollectionsListRequest = new RequestType0<
  { name: string; description: string; templates: string[] }[],
  void
>('takoss/collections/list');
/** The library changed (a version was added, a label moved): trees refresh. */
export const TemplatesDidChangeNotification = new NotificationType<{ name?: string }>('takoss/templates/didChange');

// ---------------------------------------------------------------------------------------
// Chains

export interface ChainSummaryView {
  readonly chainId: string;
  readonly request: string;
  readonly workspace: string;
  readonly status: string;
  /** Null while the chain runs (or for chains from before verification existed). */
  readonly verification: ChainVerificationOutcome | null;
  readonly usage: UsageView;
  readonly createdAt: string;
  readonly finishedAt: string | null;
}

export interface StartChainParams {
  readonly request: string;
  /** Absolute path of the workspace folder to build in. */
  readonly workspace: string;
  readonly concurrency?: number;
  readonly model?: string;
  readonly budgetUsd?: number;
  readonly collection?: string;
  /** `takoss.verify` when the build starts (`never`: no verify is planned). */
  readonly verify?: 'ask' | 'always' | 'never';
  /** `takoss.maxRepairs` when the build starts. */
  readonly maxRepairs?: number;
}

export interface ChainContextView {
  readonly chainId: string;
  readonly stats: {
    readonly results: number;
    readonly historyLength: number;
    readonly resultBytes: number;
    readonly ttlSeconds: number;
    readonly tasks: Readonly<Record<string, number>>;
  };
  readonly history: readonly { readonly at: string; readonly type: string; readonly taskId?: string }[];
  readonly results: readonly {
    readonly taskId: string;
    readonly title: string;
    readonly summary: string;
    readonly files: readonly { readonly path: string; readonly bytes: number }[];
    readonly usage: UsageView;
    readonly completedAt: string;
  }[];
}

export const ChainsListRequest = new RequestType0<ChainSummaryView[], void>('takoss/chains/list');
export const ChainGetRequest = new RequestType<{ chainId: string }, ChainSnapshot, void>('takoss/chain/get');
/** Plans the request (the long part), then starts the chain; resolves with its first snapshot. */
export const ChainStartRequest = new RequestType<StartChainParams, ChainSnapshot, void>('takoss/chain/start');
export const ChainCancelRequest = new RequestType<{ chainId: string }, { status: string }, void>('takoss/chain/cancel');
export const ChainResumeRequest = new RequestType<{ chainId: string }, ChainSnapshot, void>('takoss/chain/resume');
export const ChainRetryTaskRequest = new RequestType<{ chainId: string; taskId: string }, ChainSnapshot, void>(
  'takoss/chain/retryTask',
);
export const ChainCleanupRequest = new RequestType<{ chainId: string }, { keysRemoved: number }, void>(
  'takoss/chain/cleanup',
);
export const ChainContextRequest = new RequestType<{ chainId: string }, ChainContextView, void>('takoss/chain/context');

/** A chain this backend follows changed; `version` grows with each snapshot of a chain. */
export const ChainDidChangeNotification = new NotificationType<{ version: number; chain: ChainSnapshot }>(
  'takoss/chain/didChange',
);
/** The list of chains changed (one started, ended or was cleaned up). */
export const ChainsDidChangeNotification = new NotificationType<{ chainId: string }>('takoss/chains/didChange');
/** Everything a running task has streamed so far (replaces the earlier text). */
export const TaskOutputNotification = new NotificationType<{ chainId: string; taskId: string; text: string }>(
  'takoss/chain/taskOutput',
);

// ---------------------------------------------------------------------------------------
// Writing files (backend → extension)

/** What the backend's guarded review decided for one file. */
export type FileDecision = 'create' | 'update' | 'unchanged';

export interface ProposedFile {
  /** Workspace-relative, '/'-separated, already validated by the backend. */
  readonly path: string;
  readonly content: string;
  readonly sha256: string;
  readonly decision: FileDecision;
  /** A user's file, or a file edited or deleted after Takoss wrote it: ask before writing. */
  readonly conflict?: string;
  /** A protected path (editor/CI config, .env, package.json scripts): ask before writing. */
  readonly protection?: string;
}

export interface ApplyFilesParams {
  readonly chainId: string;
  readonly taskId: string;
  readonly taskTitle: string;
  /** Absolute path of the workspace folder. */
  readonly workspace: string;
  readonly files: readonly ProposedFile[];
}

export interface AppliedFileView {
  readonly path: string;
  readonly action: 'created' | 'updated' | 'unchanged' | 'skipped' | 'refused';
  readonly reason?: string;
}

/** Sent by the backend: write a task's files with one WorkspaceEdit (one undo step). */
export const ApplyFilesRequest = new RequestType<ApplyFilesParams, { files: AppliedFileView[] }, void>(
  'takoss/workspace/applyFiles',
);

// ---------------------------------------------------------------------------------------
// Running the generated project's checks (backend → extension)

export interface VerifyConsentParams {
  readonly chainId: string;
  /** The verify task about to run, e.g. `verify-1`. */
  readonly taskId: string;
  /** Absolute path of the workspace folder the commands run in. */
  readonly workspace: string;
  /** The command lines, in order, e.g. `npm ci`, `npm run build`, `npm test`. */
  readonly commands: readonly string[];
}

export interface VerifyConsentAnswer {
  readonly allowed: boolean;
  /** Why not, for the chain's record (e.g. "takoss.verify is never", "the workspace is not trusted"). */
  readonly reason?: string;
}

/**
 * Sent by the backend before a verify task runs the project's own commands: the extension
 * answers from `takoss.verify` and workspace trust, asking the user when the setting is `ask`.
 */
export const VerifyConsentRequest = new RequestType<VerifyConsentParams, VerifyConsentAnswer, void>(
  'takoss/workspace/verifyConsent',
);

/**
 * Part of the error a task gets when the Anthropic API rejects the key (401/403): the
 * extension looks for it to offer "Set API Key" instead of leaving the user to read logs.
 */
export const KEY_REJECTED_ERROR = 'The Anthropic API rejected the API key';
