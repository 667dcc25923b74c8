/**
 * Puts the built-in templates into the library at start-up, idempotently: a missing one is
 * created; a newer built-in revision is added as a new version, and becomes `production`
 * only if production still points at the previous built-in — a user's own versions and
 * label moves are never overridden. Seeders on several machines take turns on a lock.
 */
import { BUILTIN_TEMPLATES } from './builtin';
import { addExample } from './templateCollections';
import { PRODUCTION, createTemplate, createVersion, type TemplateDb } from './templateStore';
import type { BuiltinTemplate } from './types';

/** Advisory lock key for seeding ("takoss-seed"); migrations use Prisma's own key. */
const SEED_LOCK_KEY = 0x74616b6f;

export interface SeedResult {
  readonly created: readonly string[];
  /** A newer built-in revision was added and made production. */
  readonly updated: readonly string[];
  /** A newer built-in revision was added, but production stays on the user's choice. */
  readonly addedBesideUserChoice: readonly string[];
  readonly unchanged: readonly string[];
}

export async function seedBuiltinTemplates(
  db: TemplateDb,
  builtins: readonly BuiltinTemplate[] = BUILTIN_TEMPLATES,
): Promise<SeedResult> {
  const client = await db.pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [SEED_LOCK_KEY]);
    try {
      return await seedLocked(db, builtins);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [SEED_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}

async function seedLocked(db: TemplateDb, builtins: readonly BuiltinTemplate[]): Promise<SeedResult> {
  const result = {
    created: [] as string[],
    updated: [] as string[],
    addedBesideUserChoice: [] as string[],
    unchanged: [] as string[],
  };
  const existing = await db.prisma.promptTemplate.findMany({
    where: { name: { in: builtins.map((builtin) => builtin.name) } },
    include: {
      versions: { select: { version: true, source: true, builtinRevision: true } },
      labels: {
        where: { label: PRODUCTION },
        include: { version: { select: { source: true, builtinRevision: true } } },
      },
    },
  });
  const byName = new Map(existing.map((template) => [template.name, template]));
  for (const builtin of builtins) {
    const version = {
      text: builtin.text,
      systemPrompt: builtin.systemPrompt ?? null,
      variables: [...builtin.variables],
      modelParams: { ...builtin.modelParams },
      changeNote: `Built-in revision ${builtin.revision}`,
    };
    const found = byName.get(builtin.name);
    if (!found) {
      await createTemplate(
        db,
        {
          ...version,
          name: builtin.name,
          description: builtin.description,
          category: builtin.category,
          tags: [...builtin.tags],
        },
        { source: 'builtin', builtinRevision: builtin.revision },
      );
      await addExample(db, builtin.name, builtin.example, 1);
      result.created.push(builtin.name);
      continue;
    }
    const latest = Math.max(0, ...found.versions.map((each) => each.builtinRevision ?? 0));
    if (latest >= builtin.revision) {
      result.unchanged.push(builtin.name);
      continue;
    }
    const production = found.labels[0]?.version;
    const productionIsBuiltin = production?.source === 'builtin' && production.builtinRevision === latest;
    const added = await createVersion(db, builtin.name, version, {
      source: 'builtin',
      builtinRevision: builtin.revision,
      setProduction: productionIsBuiltin,
    });
    await addExample(db, builtin.name, builtin.example, added.version);
    (productionIsBuiltin ? result.updated : result.addedBesideUserChoice).push(builtin.name);
  }
  return result;
}
