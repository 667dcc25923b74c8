/** Library and chain records as the protocol carries them (plain JSON, ISO dates). */
import type { ChainRecord } from '../orchestrator/chainRepository';
import type { ChainSummaryView, TemplateSummaryView, TemplateVersionView } from '../protocol';
import type { TemplateSummary, TemplateVersionRecord } from '../templates/templateStore';

export function templateSummaryView(summary: TemplateSummary): TemplateSummaryView {
  return {
    name: summary.name,
    description: summary.description,
    category: summary.category,
    tags: summary.tags,
    usageCount: summary.usageCount,
    lastUsedAt: summary.lastUsedAt?.toISOString() ?? null,
    productionVersion: summary.productionVersion,
    versions: summary.versions,
  };
}

export function templateVersionView(record: TemplateVersionRecord): TemplateVersionView {
  return {
    name: record.name,
    category: record.category,
    version: record.version,
    labels: record.labels,
    source: record.source,
    createdAt: record.createdAt.toISOString(),
    changeNote: record.changeNote,
    text: record.text,
    systemPrompt: record.systemPrompt,
    variables: record.variables,
  };
}

export function chainSummaryView(record: Omit<ChainRecord, 'tasks' | 'graph' | 'templates'>): ChainSummaryView {
  return {
    chainId: record.chainId,
    request: record.request,
    workspace: record.workspace,
    status: record.status,
    verification: record.verification?.outcome ?? null,
    usage: record.usage,
    createdAt: record.createdAt.toISOString(),
    finishedAt: record.finishedAt?.toISOString() ?? null,
  };
}
