/**
 * `takoss templates …` — the template library from the command line. Needs PostgreSQL only
 * (no Redis): the database is prepared (migrated, built-ins seeded) like at any start-up.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { resolveConfig } from '../config';
import { prepareDatabase } from '../db/prepare';
import { classifyConnectionError, createPool, describeDatabase } from '../db/postgres';
import { createPrismaClient } from '../db/prisma';
import { EXIT_CODE, TakossError, errorMessage } from '../errors';
import { getTemplateAnalytics, type VersionAnalytics } from '../templates/templateUsage';
import {
  createTemplate,
  createVersion,
  getTemplate,
  listTemplates,
  listVersions,
  rollback,
  setLabel,
  type TemplateDb,
  type TemplateInput,
} from '../templates/templateStore';
import {
  diffVersions,
  exportTemplates,
  importTemplates,
  planImport,
  type ImportChange,
} from '../templates/templateTransfer';
import { TEMPLATE_CATEGORIES, type TemplateCategory } from '../templates/types';
import type { CommandContext } from './build';
import { searchTemplates } from '../templates/templateSearch';

async function withTemplates<T>(context: CommandContext, run: (db: TemplateDb) => Promise<T>): Promise<T> {
  const { config } = resolveConfig({ env: context.env });
  const pool = createPool(config.databaseUrl, { max: 4 });
  const prisma = createPrismaClient(config.databaseUrl);
  try {
    try {
      await prepareDatabase(config.databaseUrl, pool, { logger: context.logger });
    } catch (error) {
      throw error instanceof TakossError ? error : classifyConnectionError(error, describeDatabase(config.databaseUrl));
    }
    return await run({ prisma, pool });
  } finally {
    await prisma.$disconnect();
    await pool.end().catch(() => undefined);
  }
}

const write = (context: CommandContext, text: string) => context.stdout.write(`${text}\n`);

function parseCategory(value: string | undefined): TemplateCategory | undefined {
  if (value === undefined) return undefined;
  if (!(TEMPLATE_CATEGORIES as readonly string[]).includes(value)) {
    throw new TakossError('usage', `Unknown --category "${value}": use one of ${TEMPLATE_CATEGORIES.join(', ')}.`);
  }
  return value as TemplateCategory;
}

function parseVersion(value: string | undefined, what = 'version'): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new TakossError('usage', `Invalid ${what} "${value}": give a version number like 3.`);
  return number;
}

/** Reads a JSON or YAML file, naming it when it cannot. */
async function readStructured(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new TakossError('usage', `Cannot read ${file}: ${errorMessage(error)}`);
  }
  try {
    return /\.ya?ml$/i.test(file) ? (parseYaml(text) as unknown) : (JSON.parse(text) as unknown);
  } catch (error) {
    throw new TakossError(
      'usage',
      `${file} is not valid ${/\.ya?ml$/i.test(file) ? 'YAML' : 'JSON'}: ${errorMessage(error)}`,
    );
  }
}

export function runTemplatesList(flags: { category?: string; json?: boolean }, context: CommandContext) {
  return withTemplates(context, async (db) => {
    const category = parseCategory(flags.category);
    const templates = await listTemplates(db, category ? { category } : {});
    if (flags.json) write(context, JSON.stringify({ templates }));
    else {
      for (const template of templates) {
        write(
          context,
          `${template.name.padEnd(32)} v${String(template.productionVersion ?? '-').padEnd(3)} ${String(template.usageCount).padStart(5)} uses  ${template.description}`,
        );
      }
    }
    return EXIT_CODE.ok;
  });
}

export function runTemplatesSearch(query: string, flags: { json?: boolean }, context: CommandContext) {
  return withTemplates(context, async (db) => {
    const hits = await searchTemplates(db, query);
    if (flags.json) write(context, JSON.stringify({ hits }));
    else if (hits.length === 0) write(context, `No template matches "${query}".`);
    else for (const hit of hits) write(context, `${hit.name.padEnd(32)} ${hit.rank.toFixed(3)}  ${hit.description}`);
    return EXIT_CODE.ok;
  });
}

export function runTemplatesShow(name: string, flags: { version?: string; json?: boolean }, context: CommandContext) {
  return withTemplates(context, async (db) => {
    const version = parseVersion(flags.version);
    const shown = await getTemplate(db, name, version === undefined ? {} : { version });
    const versions = await listVersions(db, name);
    if (flags.json) {
      write(
        context,
        JSON.stringify({
          ...shown,
          versions: versions.map((each) => ({
            version: each.version,
            labels: each.labels,
            source: each.source,
            createdAt: each.createdAt,
          })),
        }),
      );
      return EXIT_CODE.ok;
    }
    write(
      context,
      `${shown.name} v${shown.version} [${shown.category}]${shown.labels.length ? ` (${shown.labels.join(', ')})` : ''}`,
    );
    write(
      context,
      `Versions: ${versions.map((each) => `v${each.version}${each.labels.length ? `*` : ''} ${each.source}`).join(', ')}`,
    );
    write(
      context,
      `Variables: ${shown.variables.map((variable) => `${variable.name}${variable.required ? '' : '?'}`).join(', ') || 'none'}`,
    );
    if (shown.systemPrompt) write(context, `\n# System prompt\n${shown.systemPrompt}`);
    write(context, `\n# Text\n${shown.text}`);
    return EXIT_CODE.ok;
  });
}

/** Creates the template in the file, or adds its text as the next version if it exists. */
export function runTemplatesAdd(file: string, flags: { production?: boolean }, context: CommandContext) {
  return withTemplates(context, async (db) => {
    const input = (await readStructured(file)) as TemplateInput;
    const exists =
      typeof input.name === 'string' &&
      (await listTemplates(db, { includeInactive: true })).some((each) => each.name === input.name);
    const record = exists
      ? await createVersion(db, input.name, input, { setProduction: flags.production ?? true })
      : await createTemplate(db, input);
    write(
      context,
      `${exists ? 'Added' : 'Created'} ${record.name} v${record.version}${record.labels.includes('production') ? ' (production)' : ''}.`,
    );
    return EXIT_CODE.ok;
  });
}

function describeChange(change: ImportChange): string {
  switch (change.kind) {
    case 'newTemplate':
      return `+ ${change.name}: new template with ${change.versions} version(s)`;
    case 'newVersion':
      return `+ ${change.name}: version ${change.fileVersion} of the file becomes v${change.asVersion}`;
    case 'unchanged':
      return `= ${change.name}: nothing new`;
    case 'labelKept':
      return `! ${change.name}: the file puts ${change.label} on v${change.fileVersion}; the library keeps its own (use takoss templates label)`;
    case 'collection':
      return `+ collection ${change.name} (${change.templates} templates)`;
  }
}

export function runTemplatesImport(
  file: string,
  flags: { dryRun?: boolean; acceptInvisible?: boolean },
  context: CommandContext,
) {
  return withTemplates(context, async (db) => {
    const bundle = await readStructured(file);
    const plan = flags.dryRun
      ? await planImport(db, bundle)
      : await importTemplates(db, bundle, { acceptInvisible: flags.acceptInvisible ?? false });
    for (const change of plan.changes) write(context, describeChange(change));
    for (const warning of plan.warnings) {
      write(
        context,
        `! ${warning.template} (${warning.where}): invisible or bidi character ${warning.codePoint} at ${warning.index}`,
      );
    }
    write(context, flags.dryRun ? 'Dry run: nothing was written.' : 'Imported.');
    return EXIT_CODE.ok;
  });
}

export function runTemplatesExport(file: string | undefined, context: CommandContext) {
  return withTemplates(context, async (db) => {
    const bundle = `${JSON.stringify(await exportTemplates(db), null, 2)}\n`;
    if (file) {
      await writeFile(file, bundle);
      context.logger.info(`Exported the template library to ${file}.`);
    } else {
      context.stdout.write(bundle);
    }
    return EXIT_CODE.ok;
  });
}

export function runTemplatesLabel(name: string, version: string, label: string | undefined, context: CommandContext) {
  return withTemplates(context, async (db) => {
    const record = await setLabel(db, name, parseVersion(version)!, label ?? 'production');
    write(context, `${record.name}: ${label ?? 'production'} → v${record.version}.`);
    return EXIT_CODE.ok;
  });
}

export function runTemplatesRollback(name: string, context: CommandContext) {
  return withTemplates(context, async (db) => {
    const record = await rollback(db, name);
    write(context, `${record.name}: production → v${record.version}.`);
    return EXIT_CODE.ok;
  });
}

export function runTemplatesDiff(name: string, from: string, to: string, context: CommandContext) {
  return withTemplates(context, async (db) => {
    context.stdout.write(await diffVersions(db, name, parseVersion(from, 'from')!, parseVersion(to, 'to')!));
    return EXIT_CODE.ok;
  });
}

export function runTemplatesAnalytics(name: string, flags: { json?: boolean }, context: CommandContext) {
  return withTemplates(context, async (db) => {
    const analytics = await getTemplateAnalytics(db, name);
    if (flags.json) {
      write(context, JSON.stringify(analytics));
      return EXIT_CODE.ok;
    }
    write(context, `${analytics.name}: ${analytics.usageCount} uses`);
    const rate = (value: number | null) => (value === null ? '—' : `${Math.round(value * 100)}%`);
    const ms = (value: number | null) => (value === null ? '—' : `${Math.round(value)} ms`);
    // Of the chains whose verification reached a verdict; a dash when none did, as 0/0 says nothing.
    const verified = ({ verifiedChains, checkedChains }: VersionAnalytics) =>
      checkedChains === 0 ? '—' : `${verifiedChains}/${checkedChains} (${rate(verifiedChains / checkedChains)})`;
    for (const version of analytics.versions) {
      write(
        context,
        `  v${version.version}${version.labels.length ? ` (${version.labels.join(', ')})` : ''}: ${version.runs} runs, ` +
          `${rate(version.successRate)} succeeded, verified ${verified(version)}, p50 ${ms(version.p50LatencyMs)}, p95 ${ms(version.p95LatencyMs)}, ` +
          `${Math.round(version.meanPromptTokens ?? 0)} in / ${Math.round(version.meanCompletionTokens ?? 0)} out tokens, ` +
          `$${(version.meanCostUsd ?? 0).toFixed(4)} per run, ${version.retries} retries`,
      );
    }
    return EXIT_CODE.ok;
  });
}
