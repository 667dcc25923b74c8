/**
 * The Templates view as plain data: categories → templates → versions, the production
 * version marked. Pure and unit-tested; the tree provider turns it into TreeItems.
 */
import type { TemplateSummaryView, TemplateVersionView } from '../../../server/src/protocol';

export type TemplateNode =
  | { readonly kind: 'category'; readonly category: string }
  | { readonly kind: 'template'; readonly name: string }
  | { readonly kind: 'version'; readonly name: string; readonly version: number };

export interface TemplateNodeView {
  readonly node: TemplateNode;
  readonly label: string;
  readonly description: string;
  readonly tooltip: string;
  readonly icon: string;
  readonly contextValue: string;
  readonly collapsible: boolean;
}

/** Category order as the plan goes: planning first, then layers bottom-up, verification last. */
const ORDER = ['decomposer', 'database', 'backend', 'frontend', 'testing', 'devops', 'docs', 'general', 'verify'];

export function categoryViews(templates: readonly TemplateSummaryView[]): TemplateNodeView[] {
  const counts = new Map<string, number>();
  for (const template of templates) counts.set(template.category, (counts.get(template.category) ?? 0) + 1);
  const rank = (category: string) => (ORDER.indexOf(category) + ORDER.length + 1) % (ORDER.length + 1);
  return [...counts]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([category, count]) => ({
      node: { kind: 'category', category },
      label: category,
      description: `${count}`,
      tooltip: `${count} ${category} template${count === 1 ? '' : 's'}`,
      icon: 'symbol-folder',
      contextValue: 'templateCategory',
      collapsible: true,
    }));
}

export function templateViews(templates: readonly TemplateSummaryView[], category: string): TemplateNodeView[] {
  return templates
    .filter((template) => template.category === category)
    .map((template) => ({
      node: { kind: 'template', name: template.name },
      label: template.name.split('/').pop() ?? template.name,
      description: `v${template.productionVersion ?? '—'} · ${template.usageCount} use${template.usageCount === 1 ? '' : 's'}`,
      tooltip: `${template.name}\n${template.description}\nTags: ${template.tags.join(', ') || 'none'}`,
      icon: 'symbol-snippet',
      contextValue: 'template',
      collapsible: true,
    }));
}

export function versionViews(versions: readonly TemplateVersionView[]): TemplateNodeView[] {
  return versions.map((version) => {
    const production = version.labels.includes('production');
    const otherLabels = version.labels.filter((label) => label !== 'production');
    return {
      node: { kind: 'version', name: version.name, version: version.version },
      label: `v${version.version}${production ? ' ★ production' : ''}`,
      description: [version.source, ...otherLabels, version.createdAt.slice(0, 10)].join(' · '),
      tooltip: `${version.name} v${version.version}${version.changeNote ? `\n${version.changeNote}` : ''}`,
      icon: production ? 'star-full' : 'versions',
      contextValue: production ? 'templateVersion.production' : 'templateVersion',
      collapsible: false,
    };
  });
}
