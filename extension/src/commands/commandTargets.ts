/**
 * What a command acts on. Commands run from a tree item (they get its view), from the graph
 * webview or a test (a plain `{ chainId, taskId }`), or from the palette (nothing: they ask
 * with a quick pick). One place turns those into a target and reports failures alike.
 */
import * as vscode from 'vscode';
import { TemplatesListRequest } from '../../../server/src/protocol';
import type { BackendClient } from '../backend/backendClient';
import type { ChainStore } from '../state/chainStore';
import { formatAge, formatCost, isLive } from '../views/statusIcons';
import { CommandIds } from './commandIds';

export interface ChainTarget {
  readonly chainId: string;
  readonly taskId?: string;
}

export interface TemplateTarget {
  readonly name: string;
  readonly version?: number;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** The chain (and task) a tree item, graph message or test argument names, if it names one. */
export function chainTargetOf(argument: unknown): ChainTarget | undefined {
  const source = isRecord(argument) && isRecord(argument.node) ? argument.node : argument;
  if (!isRecord(source) || typeof source.chainId !== 'string') return undefined;
  return typeof source.taskId === 'string'
    ? { chainId: source.chainId, taskId: source.taskId }
    : { chainId: source.chainId };
}

export function templateTargetOf(argument: unknown): TemplateTarget | undefined {
  const source = isRecord(argument) && isRecord(argument.node) ? argument.node : argument;
  if (!isRecord(source) || typeof source.name !== 'string') return undefined;
  return typeof source.version === 'number' ? { name: source.name, version: source.version } : { name: source.name };
}

/** The chain the argument names, else the one the user picks (optionally only live or finished ones). */
export async function chooseChain(
  chains: ChainStore,
  argument: unknown,
  options: { readonly title: string; readonly only?: 'live' | 'finished' },
): Promise<ChainTarget | undefined> {
  const named = chainTargetOf(argument);
  if (named) return named;
  const summaries = (await chains.list()).filter(
    (summary) => !options.only || (options.only === 'live') === isLive(summary.status),
  );
  if (summaries.length === 0) {
    void vscode.window.showInformationMessage(
      options.only === 'live' ? 'Takoss: no chain is running.' : 'Takoss: there are no chains yet.',
    );
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    summaries.map((summary) => ({
      label: summary.request,
      description: `${summary.status} · ${formatCost(summary.usage.costUsd)} · ${formatAge(summary.createdAt)}`,
      detail: summary.workspace,
      chainId: summary.chainId,
    })),
    { title: options.title, placeHolder: 'Choose a chain', matchOnDescription: true },
  );
  return picked ? { chainId: picked.chainId } : undefined;
}

/** The template the argument names, else the one the user picks from the library. */
export async function chooseTemplate(
  backend: BackendClient,
  argument: unknown,
  title: string,
): Promise<TemplateTarget | undefined> {
  const named = templateTargetOf(argument);
  if (named) return named;
  const templates = await backend.send(TemplatesListRequest, {});
  const picked = await vscode.window.showQuickPick(
    templates.map((template) => ({
      label: template.name,
      description: `${template.category} · v${template.productionVersion ?? '—'}`,
      detail: template.description,
    })),
    { title, placeHolder: 'Choose a template', matchOnDescription: true, matchOnDetail: true },
  );
  return picked ? { name: picked.label } : undefined;
}

const SHOW_LOGS = 'Show Logs';

/** Shows a failed command's reason (the backend's message as is) and offers the logs. */
export async function reportFailure(log: vscode.LogOutputChannel, action: string, error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  log.error(`${action}: ${message}`);
  const choice = await vscode.window.showErrorMessage(`Takoss: ${action} failed: ${message}`, SHOW_LOGS);
  if (choice === SHOW_LOGS) await vscode.commands.executeCommand(CommandIds.showLogs);
}
