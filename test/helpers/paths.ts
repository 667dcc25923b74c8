import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** The built backend/CLI bundle; `npm test` builds before it tests. */
export const CLI_BUNDLE = path.join(REPO_ROOT, 'dist', 'cli.js');
export const MIGRATIONS_DIR = path.join(REPO_ROOT, 'prisma', 'migrations');
