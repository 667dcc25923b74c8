/**
 * Everything a database needs before Takoss uses it, done by whichever process starts
 * first (the backend of a VS Code window, `takoss build`, a worker): create it if missing,
 * apply the migrations, seed the built-in templates. Each step is safe to run concurrently
 * and a no-op the second time.
 */
import type { Pool } from 'pg';
import type { Logger } from '../logger';
import { seedBuiltinTemplates, type SeedResult } from '../templates/seed';
import { applyMigrations, type ApplyResult } from './migrations';
import { describeDatabase, ensureDatabase } from './postgres';
import { createPrismaClient } from './prisma';

export interface PreparedDatabase {
  readonly migrations: ApplyResult;
  readonly seed: SeedResult;
}

export interface PrepareOptions {
  readonly logger: Logger;
  /** @defaultValue prisma/migrations next to the bundle */
  readonly migrationsDir?: string;
}

export async function prepareDatabase(
  databaseUrl: string,
  pool: Pool,
  options: PrepareOptions,
): Promise<PreparedDatabase> {
  const { logger } = options;
  const { created } = await ensureDatabase(databaseUrl);
  if (created) logger.info(`Created database ${describeDatabase(databaseUrl).database}.`);
  const migrations = await applyMigrations(pool, options.migrationsDir);
  for (const name of migrations.newlyApplied) logger.info(`Applied migration ${name}.`);
  for (const name of migrations.unknown) {
    logger.warn(`The database has migration ${name}, which this Takoss does not know: upgrade Takoss.`);
  }
  const prisma = createPrismaClient(databaseUrl);
  try {
    const seed = await seedBuiltinTemplates({ prisma, pool });
    if (seed.created.length > 0) logger.info(`Added ${seed.created.length} built-in templates.`);
    if (seed.updated.length > 0) logger.info(`Updated built-in templates: ${seed.updated.join(', ')}.`);
    for (const name of seed.addedBesideUserChoice) {
      logger.info(`A newer built-in version of ${name} was added; production stays on your chosen version.`);
    }
    return { migrations, seed };
  } finally {
    await prisma.$disconnect();
  }
}
