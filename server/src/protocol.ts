/**
 * The extension ↔ backend protocol (JSON-RPC over IPC, vscode-languageclient on one side,
 * vscode-languageserver on the other). Every method name lives here, once, as a typed
 * constant; call sites use the constants and never spell a method name.
 */
import { NotificationType, RequestType0 } from 'vscode-jsonrpc';

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
] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

/** Sent by the extension as `initializationOptions`. */
export interface BackendInitializationOptions {
  /** Only the settings the user set explicitly; unset ones fall back to env, then defaults. */
  readonly settings: Partial<Record<SettingKey, unknown>>;
}

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
