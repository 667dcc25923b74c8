#!/usr/bin/env node
// Runs `prisma generate` when prisma/schema.prisma changed since the last run.
//
// Offline machines cannot download Prisma's schema-engine binary, and every Prisma CLI
// command looks for it, even though `generate` never runs it. Where the binary is missing we
// point PRISMA_SCHEMA_ENGINE_BINARY at a placeholder that explains itself; where it exists (a
// user's machine with internet) we leave Prisma alone so `prisma migrate` keeps working.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const schemaPath = path.join(root, 'prisma', 'schema.prisma');
const outputDir = path.join(root, 'server', 'src', 'generated', 'prisma');
const stampPath = path.join(outputDir, '.schema-hash');

const schemaHash = createHash('sha256').update(readFileSync(schemaPath)).digest('hex');
const force = process.argv.includes('--force');
if (!force && existsSync(stampPath) && readFileSync(stampPath, 'utf8') === schemaHash) process.exit(0);

const env = { ...process.env };
const enginesDir = path.join(root, 'node_modules', '@prisma', 'engines');
const hasSchemaEngine =
  existsSync(enginesDir) && readdirSync(enginesDir).some((name) => name.startsWith('schema-engine'));
if (!hasSchemaEngine && !env.PRISMA_SCHEMA_ENGINE_BINARY) {
  env.PRISMA_SCHEMA_ENGINE_BINARY = path.join(root, 'scripts', 'schema-engine-unavailable.sh');
}

execFileSync(process.execPath, [path.join(root, 'node_modules', 'prisma', 'build', 'index.js'), 'generate'], {
  cwd: root,
  env,
  stdio: ['ignore', 'ignore', 'inherit'],
});
writeFileSync(stampPath, schemaHash);
