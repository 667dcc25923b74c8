/**
 * Moving templates between databases and people: export every template with all its
 * versions, labels and examples (plus collections) as JSON; import shows what it would
 * change and flags invisible or bidirectional characters before anything is written; diff
 * two versions.
 */
import { createTwoFilesPatch } from 'diff';
import { z } from 'zod';
import { TakossError } from '../errors';
import type { Prisma } from '../generated/prisma/client';
import { findInvisibleCharacters } from '../text/unicode';
import { getTemplate, templateInputSchema, versionInputSchema, type TemplateDb } from './templateStore';

export const BUNDLE_FORMAT = 'takoss-templates';

const bundleVersionSchema = versionInputSchema.extend({
  version: z.number().int().positive(),
  source: z.enum(['builtin', 'user', 'import']).default('import'),
  builtinRevision: z.number().int().positive().nullish(),
  createdAt: z.string().datetime().optional(),
});

const bundleTemplateSchema = templateInputSchema
  .pick({ name: true, description: true, category: true, tags: true, modelType: true })
  .extend({
    isActive: z.boolean().default(true),
    labels: z.record(z.string(), z.number().int().positive()).default({}),
    versions: z.array(bundleVersionSchema).min(1, 'a template needs at least one version'),
    examples: z
      .array(
        z.object({
          name: z.string().min(1).max(200),
          variables: z.record(z.string(), z.string()),
          expectedOutput: z.string(),
          version: z.number().int().nullish(),
        }),
      )
      .default([]),
  });

export const bundleSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  formatVersion: z.literal(1),
  exportedAt: z.string().optional(),
  templates: z.array(bundleTemplateSchema),
  collections: z
    .array(z.object({ name: z.string(), description: z.string().default(''), templates: z.array(z.string()) }))
    .default([]),
});

export type TemplateBundle = z.input<typeof bundleSchema>;
type ParsedBundle = z.output<typeof bundleSchema>;
type BundleVersion = z.output<typeof bundleVersionSchema>;

export async function exportTemplates(db: TemplateDb, names?: readonly string[]): Promise<TemplateBundle> {
  const templates = await db.prisma.promptTemplate.findMany({
    where: names ? { name: { in: [...names] } } : {},
    orderBy: { name: 'asc' },
    include: {
      versions: { orderBy: { version: 'asc' } },
      labels: { include: { version: { select: { version: true } } } },
      examples: { orderBy: { createdAt: 'asc' }, include: { version: { select: { version: true } } } },
    },
  });
  const collections = await db.prisma.templateCollection.findMany({
    orderBy: { name: 'asc' },
    include: {
      members: {
        orderBy: [{ position: 'asc' }, { addedAt: 'asc' }],
        include: { template: { select: { name: true } } },
      },
    },
  });
  return {
    format: BUNDLE_FORMAT,
    formatVersion: 1,
    exportedAt: new Date().toISOString(),
    templates: templates.map((template) => ({
      name: template.name,
      description: template.description,
      category: template.category,
      tags: template.tags,
      modelType: template.modelType,
      isActive: template.isActive,
      labels: Object.fromEntries(template.labels.map((label) => [label.label, label.version.version])),
      versions: template.versions.map((version) => ({
        version: version.version,
        text: version.text,
        systemPrompt: version.systemPrompt,
        variables: version.variables as { name: string; description: string; required: boolean }[],
        modelParams: version.modelParams as Record<string, never>,
        changeNote: version.changeNote,
        source: version.source as 'builtin' | 'user' | 'import',
        builtinRevision: version.builtinRevision,
        createdAt: version.createdAt.toISOString(),
      })),
      examples: template.examples.map((example) => ({
        name: example.name,
        variables: example.variables as Record<string, string>,
        expectedOutput: example.expectedOutput,
        version: example.version?.version ?? null,
      })),
    })),
    collections: collections
      .filter((collection) => !names || collection.members.some((member) => names.includes(member.template.name)))
      .map((collection) => ({
        name: collection.name,
        description: collection.description,
        templates: collection.members.map((member) => member.template.name),
      })),
  };
}

export type ImportChange =
  | { readonly kind: 'newTemplate'; readonly name: string; readonly versions: number }
  | { readonly kind: 'newVersion'; readonly name: string; readonly fileVersion: number; readonly asVersion: number }
  | { readonly kind: 'unchanged'; readonly name: string }
  | { readonly kind: 'labelKept'; readonly name: string; readonly label: string; readonly fileVersion: number }
  | { readonly kind: 'collection'; readonly name: string; readonly templates: number };

export interface InvisibleWarning {
  readonly template: string;
  readonly where: string;
  readonly codePoint: string;
  readonly index: number;
}

export interface ImportPlan {
  readonly changes: readonly ImportChange[];
  readonly warnings: readonly InvisibleWarning[];
}

/** JSON with object keys sorted, so equal values compare equal (jsonb reorders keys). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, each]) => each !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, each]) => `${JSON.stringify(key)}:${canonical(each)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Versions are the same when everything that shapes the prompt is the same. */
function fingerprint(version: {
  text: string;
  systemPrompt?: string | null;
  variables: unknown;
  modelParams: unknown;
}): string {
  return canonical([version.text, version.systemPrompt ?? null, version.variables, version.modelParams]);
}

function parseBundle(input: unknown): ParsedBundle {
  const parsed = bundleSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TakossError(
      'usage',
      `Not a Takoss template file: ${issue?.path.join('.') || 'file'}: ${issue?.message ?? 'invalid'}.`,
    );
  }
  return parsed.data;
}

function invisibleWarnings(bundle: ParsedBundle): InvisibleWarning[] {
  const warnings: InvisibleWarning[] = [];
  const check = (template: string, where: string, text: string | null | undefined) => {
    for (const found of findInvisibleCharacters(text ?? '')) warnings.push({ template, where, ...found });
  };
  for (const template of bundle.templates) {
    check(template.name, 'name', template.name);
    check(template.name, 'description', template.description);
    for (const version of template.versions) {
      check(template.name, `v${version.version} text`, version.text);
      check(template.name, `v${version.version} system prompt`, version.systemPrompt);
      check(template.name, `v${version.version} variables`, JSON.stringify(version.variables));
    }
  }
  return warnings;
}

/** What an import would do, without doing it. */
export async function planImport(db: TemplateDb, input: unknown): Promise<ImportPlan> {
  return (await prepare(db, parseBundle(input))).plan;
}

async function prepare(db: TemplateDb, bundle: ParsedBundle) {
  const changes: ImportChange[] = [];
  const appends: { name: string; version: BundleVersion }[] = [];
  const creates: ParsedBundle['templates'] = [];
  for (const template of bundle.templates) {
    const existing = await db.prisma.promptTemplate.findUnique({
      where: { name: template.name },
      include: { versions: true, labels: true },
    });
    if (!existing) {
      creates.push(template);
      changes.push({ kind: 'newTemplate', name: template.name, versions: template.versions.length });
      continue;
    }
    const known = new Set(existing.versions.map((version) => fingerprint(version)));
    let next = Math.max(...existing.versions.map((version) => version.version)) + 1;
    let added = false;
    for (const version of template.versions) {
      if (known.has(fingerprint(version))) continue;
      known.add(fingerprint(version));
      appends.push({ name: template.name, version });
      changes.push({ kind: 'newVersion', name: template.name, fileVersion: version.version, asVersion: next++ });
      added = true;
    }
    if (!added) changes.push({ kind: 'unchanged', name: template.name });
    // A label differs when it points at different content, whatever the version numbers.
    const fileContent = new Map(template.versions.map((version) => [version.version, fingerprint(version)]));
    const ownContent = new Map(existing.versions.map((version) => [version.id, fingerprint(version)]));
    for (const [label, fileVersion] of Object.entries(template.labels)) {
      const own = existing.labels.find((each) => each.label === label);
      if (!own || ownContent.get(own.versionId) !== fileContent.get(fileVersion)) {
        changes.push({ kind: 'labelKept', name: template.name, label, fileVersion });
      }
    }
  }
  for (const collection of bundle.collections)
    changes.push({ kind: 'collection', name: collection.name, templates: collection.templates.length });
  return { plan: { changes, warnings: invisibleWarnings(bundle) }, creates, appends, bundle };
}

export interface ImportOptions {
  /** Import even though invisible or bidi characters were found. @defaultValue false */
  readonly acceptInvisible?: boolean;
}

/**
 * Imports a bundle in one transaction. New templates arrive with their version numbers and
 * labels as in the file; existing ones gain the versions they lack as new versions, and
 * keep their labels (moving `production` stays a deliberate act).
 */
export async function importTemplates(
  db: TemplateDb,
  input: unknown,
  options: ImportOptions = {},
): Promise<ImportPlan> {
  const { plan, creates, appends, bundle } = await prepare(db, parseBundle(input));
  if (plan.warnings.length > 0 && !options.acceptInvisible) {
    const first = plan.warnings[0]!;
    throw new TakossError(
      'usage',
      `The file contains ${plan.warnings.length} invisible or bidirectional character(s), first ${first.codePoint} in ` +
        `${first.template} (${first.where}), which can make a prompt say something other than what it shows. ` +
        'Inspect it, or import anyway with --accept-invisible.',
    );
  }
  await db.prisma.$transaction(async (tx) => {
    for (const template of creates) {
      const created = await tx.promptTemplate.create({
        data: {
          name: template.name,
          description: template.description,
          category: template.category,
          tags: template.tags,
          modelType: template.modelType,
          isActive: template.isActive,
        },
      });
      const ids = new Map<number, { id: string; text: string }>();
      for (const version of template.versions) {
        const row = await tx.templateVersion.create({
          data: { ...versionRow(version), templateId: created.id, version: version.version },
        });
        ids.set(version.version, { id: row.id, text: row.text });
      }
      for (const [label, number] of Object.entries(template.labels)) {
        const target = ids.get(number);
        if (!target)
          throw new TakossError(
            'usage',
            `Template "${template.name}": label ${label} points at missing version ${number}.`,
          );
        await tx.templateLabel.create({ data: { templateId: created.id, label, versionId: target.id } });
        if (label === 'production')
          await tx.promptTemplate.update({ where: { id: created.id }, data: { productionText: target.text } });
      }
      for (const example of template.examples) {
        await tx.templateExample.create({
          data: {
            templateId: created.id,
            versionId: example.version ? (ids.get(example.version)?.id ?? null) : null,
            name: example.name,
            variables: example.variables,
            expectedOutput: example.expectedOutput,
          },
        });
      }
    }
    for (const { name, version } of appends) {
      const locked = await tx.$queryRaw<
        { id: string }[]
      >`SELECT id FROM "PromptTemplate" WHERE name = ${name} FOR UPDATE`;
      const latest = await tx.templateVersion.aggregate({
        where: { templateId: locked[0]!.id },
        _max: { version: true },
      });
      await tx.templateVersion.create({
        data: {
          ...versionRow(version),
          templateId: locked[0]!.id,
          version: (latest._max.version ?? 0) + 1,
          source: 'import',
          changeNote: version.changeNote ?? `imported (version ${version.version} in the file)`,
        },
      });
    }
    for (const collection of bundle.collections) {
      const row = await tx.templateCollection.upsert({
        where: { name: collection.name },
        create: { name: collection.name, description: collection.description },
        update: {},
      });
      for (const [position, name] of collection.templates.entries()) {
        const template = await tx.promptTemplate.findUnique({ where: { name } });
        if (!template) continue;
        await tx.templateCollectionMember.upsert({
          where: { collectionId_templateId: { collectionId: row.id, templateId: template.id } },
          create: { collectionId: row.id, templateId: template.id, position },
          update: {},
        });
      }
    }
  });
  return plan;
}

function versionRow(version: BundleVersion) {
  return {
    text: version.text,
    systemPrompt: version.systemPrompt ?? null,
    variables: version.variables as unknown as Prisma.InputJsonValue,
    modelParams: version.modelParams as Prisma.InputJsonValue,
    changeNote: version.changeNote ?? null,
    source: version.source,
    builtinRevision: version.builtinRevision ?? null,
    ...(version.createdAt ? { createdAt: new Date(version.createdAt) } : {}),
  };
}

/** A unified diff of two versions: system prompt, variables and text. */
export async function diffVersions(db: TemplateDb, name: string, from: number, to: number): Promise<string> {
  const [a, b] = await Promise.all([getTemplate(db, name, { version: from }), getTemplate(db, name, { version: to })]);
  const render = (version: typeof a) =>
    [
      '# system prompt',
      version.systemPrompt ?? '(none)',
      '# variables',
      ...version.variables.map(
        (variable) => `- ${variable.name}${variable.required ? '' : ' (optional)'}: ${variable.description}`,
      ),
      '# text',
      version.text,
      '',
    ].join('\n');
  return createTwoFilesPatch(`${name}@${from}`, `${name}@${to}`, render(a), render(b));
}
