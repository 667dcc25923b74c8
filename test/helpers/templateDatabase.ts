/** A migrated database with the template library's connections, for one test file. */
import type { Pool } from 'pg';
import { applyMigrations } from '../../server/src/db/migrations';
import { createPool } from '../../server/src/db/postgres';
import { createPrismaClient, type PrismaClient } from '../../server/src/db/prisma';
import type { TemplateDb } from '../../server/src/templates/templateStore';
import { createTestDatabase, type TestDatabase } from './database';
import { MIGRATIONS_DIR } from './paths';

export interface TemplateTestDatabase extends TemplateDb {
  readonly database: TestDatabase;
  close(): Promise<void>;
}

export async function openTemplateDatabase(): Promise<TemplateTestDatabase> {
  const database = await createTestDatabase();
  const pool: Pool = createPool(database.url, { max: 20 });
  await applyMigrations(pool, MIGRATIONS_DIR);
  const prisma: PrismaClient = createPrismaClient(database.url);
  return {
    database,
    pool,
    prisma,
    async close() {
      await prisma.$disconnect();
      await pool.end();
      await database.drop();
    },
  };
}
