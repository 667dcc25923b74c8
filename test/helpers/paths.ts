import { readdirSync } from 'node:fs';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** The built backend/CLI bundle; `npm test` builds before it tests. */
export const CLI_BUNDLE = path.join(REPO_ROOT, 'dist', 'cli.js');
export const MIGRATIONS_DIR = path.join(REPO_ROOT, 'prisma', 'migrations');

/** The migrations shipped in prisma/migrations, in the order they apply. */
export const MIGRATION_NAMES: readonly string[] = readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
