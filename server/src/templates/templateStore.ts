/**
 * The Template Library's core: templates with immutable, numbered versions and movable
 * labels (`production` is the one tasks use) and listing; ranked full-text search is in
 * templateSearch.ts.
 * Versions are never changed (a database trigger refuses it); editing creates version n+1,
 * and rolling back only moves the label.
 */
import type { Pool } from 'pg';
import { z } from 'zod';
import type { PrismaClient } from '../db/prisma';
import { TakossError } from '../errors';
import type { Prisma } from '../generated/prisma/client';
import { VARIABLE_NAME, placeholdersOf, type TemplateVariable } from './render';
import { TEMPLATE_CATEGORIES, TEMPLATE_NAME, type ModelParams, type TemplateCategory } from './types';

/** The template library's connections: Prisma for records, plain pg for hand-written SQL. */
export interface TemplateDb {
  readonly prisma: PrismaClient;
  readonly pool: Pool;
}

export const PRODUCTION = 'production';
export type VersionSource = 'builtin' | 'user' | 'import';

export interface TemplateVersionRecord {
  readonly id: string;
  readonly name: string;
  readonly category: TemplateCategory;
  readonly version: number;
  readonly text: string;
  readonly systemPrompt: string | null;
  readonly variables: readonly TemplateVariable[];
  readonly modelParams: ModelParams;
  readonly changeNote: string | null;
  readonly source: VersionSource;
  readonly builtinRevision: number | null;
  readonly createdAt: Date;
  /** Labels pointing at this version. */
  readonly labels: readonly string[];
}

export interface TemplateSummary {
  readonly name: string;
  readonly description: string;
  readonly category: TemplateCategory;
  readonly tags: readonly string[];
  readonly isActive: boolean;
  readonly usageCount: number;
  readonly lastUsedAt: Date | null;
  readonly productionVersion: number | null;
  readonly versions: number;
}

export class TemplateNotFoundError extends TakossError {
  constructor(name: string, version?: number | string) {
    super(
      'usage',
      version === undefined
        ? `No template "${name}": see \`takoss templates list\`.`
        : `Template "${name}" has no version ${version}: see \`takoss templates show ${name}\`.`,
    );
    this.name = 'TemplateNotFoundError';
  }
}

const variableSchema = z.object({
  name: z.string().regex(VARIABLE_NAME, 'variable names are lowercase letters, digits and "_"'),
  description: z.string().max(500).default(''),
  required: z.boolean().default(true),
});

export const versionInputSchema = z.object({
  text: z.string().min(1, 'text is empty').max(100_000),
  systemPrompt: z.string().max(100_000).nullish(),
  variables: z.array(variableSchema).max(50).default([]),
  modelParams: z
    .object({
      model: z.string().max(100).optional(),
      maxTokens: z.number().int().positive().optional(),
      temperature: z.number().min(0).max(1).optional(),
    })
    .default({}),
  changeNote: z.string().max(1000).nullish(),
});

export const templateInputSchema = versionInputSchema.extend({
  name: z.string().regex(TEMPLATE_NAME, 'names look like "frontend/react-component" (lowercase, digits, "-")'),
  description: z.string().trim().min(1, 'description is empty').max(500),
  category: z.enum(TEMPLATE_CATEGORIES),
  tags: z.array(z.string().trim().min(1).max(40)).max(20).default([]),
  modelType: z.string().max(40).default('claude'),
});

export type VersionInput = z.input<typeof versionInputSchema>;
export type TemplateInput = z.input<typeof templateInputSchema>;

export interface VersionOptions {
  readonly source?: VersionSource;
  readonly builtinRevision?: number;
  /** Point `production` at the new version. @defaultValue true */
  readonly setProduction?: boolean;
  /**
   * The production version an edit started from: refused if production has moved since
   * (another window, the CLI), so a stale edit never silently replaces a newer version.
   */
  readonly basedOn?: number;
}

/** Parses input, naming the field at fault, and checks that every placeholder is declared. */
function parse<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TakossError(
      'usage',
      `Invalid ${what}: ${issue?.path.join('.') || 'input'} ${issue?.message ?? ''}`.trim(),
    );
  }
  const value = parsed.data as { text?: string; systemPrompt?: string | null; variables?: readonly TemplateVariable[] };
  const declared = new Set((value.variables ?? []).map((variable) => variable.name));
  const used = [...placeholdersOf(value.text ?? ''), ...placeholdersOf(value.systemPrompt ?? '')];
  const undeclared = [...new Set(used.filter((name) => !declared.has(name)))];
  if (undeclared.length > 0) {
    throw new TakossError(
      'usage',
      `Invalid ${what}: the text uses ${undeclared.map((name) => `{{${name}}}`).join(', ')} without declaring ` +
        `${undeclared.length === 1 ? 'it' : 'them'} in "variables".`,
    );
  }
  return parsed.data;
}

type VersionRow = Prisma.TemplateVersionGetPayload<{ include: { template: true; labels: true } }>;

function toRecord(row: VersionRow): TemplateVersionRecord {
  return {
    id: row.id,
    name: row.template.name,
    category: row.template.category,
    version: row.version,
    text: row.text,
    systemPrompt: row.systemPrompt,
    variables: row.variables as unknown as TemplateVariable[],
    modelParams: row.modelParams as ModelParams,
    changeNote: row.changeNote,
    source: row.source as VersionSource,
    builtinRevision: row.builtinRevision,
    createdAt: row.createdAt,
    labels: row.labels.map((label) => label.label),
  };
}

const withTemplate = { template: true, labels: true } as const;

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'P2002';
}

export async function createTemplate(
  db: TemplateDb,
  input: TemplateInput,
  options: VersionOptions = {},
): Promise<TemplateVersionRecord> {
  const template = parse(templateInputSchema, input, `template "${String(input.name)}"`);
  try {
    const id = await db.prisma.$transaction(async (tx) => {
      const created = await tx.promptTemplate.create({
        data: {
          name: template.name,
          description: template.description,
          category: template.category,
          tags: template.tags,
          modelType: template.modelType,
          productionText: template.text,
        },
      });
      const version = await tx.templateVersion.create({ data: versionData(created.id, 1, template, options) });
      await tx.templateLabel.create({ data: { templateId: created.id, label: PRODUCTION, versionId: version.id } });
      return version.id;
    });
    return toRecord(await db.prisma.templateVersion.findUniqueOrThrow({ where: { id }, include: withTemplate }));
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new TakossError('usage', `Template "${template.name}" already exists: add a version to it instead.`);
    }
    throw error;
  }
}

function versionData(
  templateId: string,
  version: number,
  input: z.output<typeof versionInputSchema>,
  options: VersionOptions,
): Prisma.TemplateVersionUncheckedCreateInput {
  return {
    templateId,
    version,
    text: input.text,
    systemPrompt: input.systemPrompt ?? null,
    variables: input.variables,
    modelParams: input.modelParams,
    changeNote: input.changeNote ?? null,
    source: options.source ?? 'user',
    builtinRevision: options.builtinRevision ?? null,
  };
}

/**
 * Adds version n+1. Concurrent calls take turns on a row lock of the template, so two
 * editors get consecutive numbers, never the same one.
 */
export async function createVersion(
  db: TemplateDb,
  name: string,
  input: VersionInput,
  options: VersionOptions = {},
): Promise<TemplateVersionRecord> {
  const version = parse(versionInputSchema, input, `version of "${name}"`);
  const id = await db.prisma.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<
      { id: string }[]
    >`SELECT id FROM "PromptTemplate" WHERE name = ${name} FOR UPDATE`;
    const templateId = locked[0]?.id;
    if (!templateId) throw new TemplateNotFoundError(name);
    if (options.basedOn !== undefined) await checkBase(tx, templateId, name, options.basedOn);
    const latest = await tx.templateVersion.aggregate({ where: { templateId }, _max: { version: true } });
    const created = await tx.templateVersion.create({
      data: versionData(templateId, (latest._max.version ?? 0) + 1, version, options),
    });
    if (options.setProduction ?? true) await moveLabel(tx, templateId, PRODUCTION, created.id, created.text);
    return created.id;
  });
  return toRecord(await db.prisma.templateVersion.findUniqueOrThrow({ where: { id }, include: withTemplate }));
}

type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

async function checkBase(tx: Tx, templateId: string, name: string, basedOn: number): Promise<void> {
  const production = await tx.templateLabel.findUnique({
    where: { templateId_label: { templateId, label: PRODUCTION } },
    select: { version: { select: { version: true } } },
  });
  const current = production?.version.version;
  if (current !== basedOn) {
    throw new TakossError(
      'usage',
      `"${name}" changed while you edited it: production is now v${current ?? '—'}, your edit started from v${basedOn}. ` +
        'Copy your text, open the template for editing again, and apply it there.',
    );
  }
}

async function moveLabel(tx: Tx, templateId: string, label: string, versionId: string, text: string): Promise<void> {
  await tx.templateLabel.upsert({
    where: { templateId_label: { templateId, label } },
    create: { templateId, label, versionId },
    update: { versionId },
  });
  // The search vector covers the production text; the column it is generated from follows the label.
  if (label === PRODUCTION)
    await tx.promptTemplate.update({ where: { id: templateId }, data: { productionText: text } });
}

/** Points `label` at an existing version; history is untouched. */
export async function setLabel(
  db: TemplateDb,
  name: string,
  version: number,
  label = PRODUCTION,
): Promise<TemplateVersionRecord> {
  if (!/^[a-z][a-z0-9-]{0,31}$/.test(label)) {
    throw new TakossError('usage', `Invalid label "${label}": use lowercase letters, digits and "-".`);
  }
  const row = await db.prisma.templateVersion.findFirst({
    where: { template: { name }, version },
    include: withTemplate,
  });
  if (!row)
    throw (await templateExists(db, name)) ? new TemplateNotFoundError(name, version) : new TemplateNotFoundError(name);
  await db.prisma.$transaction((tx) => moveLabel(tx, row.templateId, label, row.id, row.text));
  return getTemplate(db, name, { version });
}

/** Moves `production` back to the version before the one it points at. */
export async function rollback(db: TemplateDb, name: string): Promise<TemplateVersionRecord> {
  const current = await getTemplate(db, name);
  const previous = await db.prisma.templateVersion.findFirst({
    where: { template: { name }, version: { lt: current.version } },
    orderBy: { version: 'desc' },
  });
  if (!previous)
    throw new TakossError(
      'usage',
      `Template "${name}" is at version ${current.version}; there is no earlier version to roll back to.`,
    );
  return setLabel(db, name, previous.version);
}

async function templateExists(db: TemplateDb, name: string): Promise<boolean> {
  return (await db.prisma.promptTemplate.count({ where: { name } })) > 0;
}

/** A version by number or label; by default the `production` one (or the newest if unlabelled). */
export async function getTemplate(
  db: TemplateDb,
  name: string,
  selector: { version?: number; label?: string } = {},
): Promise<TemplateVersionRecord> {
  let row: VersionRow | null;
  if (selector.version !== undefined) {
    row = await db.prisma.templateVersion.findFirst({
      where: { template: { name }, version: selector.version },
      include: withTemplate,
    });
  } else {
    const label = await db.prisma.templateLabel.findFirst({
      where: { template: { name }, label: selector.label ?? PRODUCTION },
      include: { version: { include: withTemplate } },
    });
    row =
      label?.version ??
      (selector.label === undefined
        ? await db.prisma.templateVersion.findFirst({
            where: { template: { name } },
            orderBy: { version: 'desc' },
            include: withTemplate,
          })
        : null);
  }
  if (!row) {
    const exists = await templateExists(db, name);
    throw exists
      ? new TemplateNotFoundError(name, selector.version ?? selector.label)
      : new TemplateNotFoundError(name);
  }
  return toRecord(row);
}

/** Every version of a template, newest first. */
export async function listVersions(db: TemplateDb, name: string): Promise<TemplateVersionRecord[]> {
  const rows = await db.prisma.templateVersion.findMany({
    where: { template: { name } },
    orderBy: { version: 'desc' },
    include: withTemplate,
  });
  if (rows.length === 0) throw new TemplateNotFoundError(name);
  return rows.map(toRecord);
}

export async function listTemplates(
  db: TemplateDb,
  filter: { category?: TemplateCategory; includeInactive?: boolean } = {},
): Promise<TemplateSummary[]> {
  const rows = await db.prisma.promptTemplate.findMany({
    where: {
      ...(filter.category ? { category: filter.category } : {}),
      ...(filter.includeInactive ? {} : { isActive: true }),
    },
    orderBy: [{ category: 'asc' }, { name: 'asc' }],
    include: {
      labels: { where: { label: PRODUCTION }, include: { version: { select: { version: true } } } },
      _count: { select: { versions: true } },
    },
  });
  return rows.map((row) => ({
    name: row.name,
    description: row.description,
    category: row.category,
    tags: row.tags,
    isActive: row.isActive,
    usageCount: row.usageCount,
    lastUsedAt: row.lastUsedAt,
    productionVersion: row.labels[0]?.version.version ?? null,
    versions: row._count.versions,
  }));
}

export function getTemplatesByCategory(db: TemplateDb, category: TemplateCategory): Promise<TemplateSummary[]> {
  return listTemplates(db, { category });
}
