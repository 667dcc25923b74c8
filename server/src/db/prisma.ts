/**
 * The Prisma client, driven through the `pg` driver adapter: Prisma 7 needs no native query
 * engine, so the backend bundle runs anywhere Node does.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';

export type { PrismaClient } from '../generated/prisma/client';

/** A client on its own small pool; call `$disconnect()` when done. */
export function createPrismaClient(databaseUrl: string): PrismaClient {
  const adapter = new PrismaPg({ connectionString: databaseUrl, application_name: 'takoss', max: 5 });
  return new PrismaClient({ adapter });
}
