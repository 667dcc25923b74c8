/** Built-in templates for database tasks: the Prisma schema with its client module, and seed data. */
import { taskVariables, type BuiltinTemplate } from '../types';

export const prismaSchema: BuiltinTemplate = {
  name: 'database/prisma-schema',
  category: 'database',
  description:
    'Designs the Prisma schema and the shared client module: models, relations, constraints, indexes and migration scripts.',
  tags: ['prisma', 'schema', 'database', 'migrations'],
  revision: 1,
  text: `Prisma schema guidelines for "{{task_title}}".

Earlier tasks this one builds on (their files or summaries are in your context; none if the list is empty):
{{dependencies}}

Check the Prisma version in package.json and follow its conventions:
- Prisma 7 and later: generator provider "prisma-client" with an explicit output (such as "../src/generated/prisma"); the datasource block names only the provider, and the connection URL lives in prisma.config.ts (datasource.url = env("DATABASE_URL"), after import "dotenv/config"). PrismaClient needs a driver adapter, PrismaPg from @prisma/adapter-pg or PrismaBetterSqlite3 from @prisma/adapter-better-sqlite3, and is imported from the generated output path.
- Prisma 5 and 6: generator provider "prisma-client-js", url = env("DATABASE_URL") in the datasource block, and the client imported from "@prisma/client".
Use the database the task names; when it names none and the app must run without a server, use SQLite.

Models (prisma/schema.prisma):
- Singular PascalCase model names and camelCase fields. Every model has an id (String @id @default(uuid()) or cuid(), or Int @default(autoincrement()) when the API uses numeric ids), createdAt DateTime @default(now()), and updatedAt DateTime @updatedAt on rows that change.
- Name fields exactly as the shared types and the API do, so no mapping layer is needed. Make a field optional only where the domain allows a missing value; give booleans and status fields defaults.
- Declare relations on both sides with an explicit onDelete: Cascade for owned children (a user's todos), Restrict or SetNull otherwise.
- @unique on natural keys (User.email), @@unique for composite rules (@@unique([userId, title])), and @@index on every foreign key and on fields used to filter or sort.
- Enums for fixed sets where the provider and Prisma version support them, otherwise a String whose values the code validates. Money is Decimal, never Float. Scalar lists (String[]) do not exist on SQLite.
- Never a plain password column: passwordHash String.

Client module (src/db.ts or src/lib/prisma.ts):
- Export one PrismaClient built with the adapter and DATABASE_URL. In development keep it on globalThis so hot reloads reuse it instead of opening new connection pools.
- Export a disconnect function for tests and graceful shutdown.

Migrations and scripts:
- Do not hand-write migration SQL unless the task asks for it; the user creates migrations with prisma migrate dev. The generated client is not committed, so it must be generated before build, typecheck and tests.
- If your task owns package.json, add "db:generate": "prisma generate", "db:migrate": "prisma migrate dev", "db:deploy": "prisma migrate deploy", and run prisma generate from postinstall or the build. If your task owns .env.example, add DATABASE_URL (file:./dev.db for SQLite). Otherwise name both in your summary.
- Add the generated client directory and local database files (*.db) to .gitignore when your task owns it.

When you are done, check every model, field, relation and export against the task:
{{task_description}}`,
  variables: taskVariables('dependencies'),
  modelParams: { maxTokens: 16_000 },
  example: {
    name: 'Todo database',
    variables: {
      task_title: 'Database schema',
      task_description:
        'prisma/schema.prisma (SQLite) with User { id, email unique, passwordHash, todos } and Todo { id, title, done, ' +
        'userId, createdAt, updatedAt }, titles unique per user; prisma.config.ts; server/db.ts exporting prisma ' +
        'and disconnect().',
      dependencies: 'Project setup\nShared types',
    },
    expectedOutput: `write_file prisma/schema.prisma: generator prisma-client (output ../server/generated/prisma), datasource sqlite
  model User { id String @id @default(uuid()), email String @unique, passwordHash String, todos Todo[], createdAt }
  model Todo { id, title, done Boolean @default(false), user User @relation(onDelete: Cascade), @@unique([userId, title]), @@index([userId]) }
write_file prisma.config.ts: schema path, migrations path, datasource.url from env("DATABASE_URL")
write_file server/db.ts: PrismaClient with PrismaBetterSqlite3, cached on globalThis; disconnect()
Summary: run npm run db:generate and npm run db:migrate; DATABASE_URL=file:./dev.db.`,
  },
};

export const seedData: BuiltinTemplate = {
  name: 'database/seed-data',
  category: 'database',
  description:
    'Writes an idempotent, deterministic seed script with realistic sample data and wires it to the project seed command.',
  tags: ['prisma', 'seed', 'fixtures', 'database'],
  revision: 1,
  text: `Seed-data guidelines for "{{task_title}}".

Earlier tasks this one builds on (their files or summaries are in your context; none if the list is empty):
{{dependencies}}

The seed script (prisma/seed.ts, or the path the task names) fills a development database with a small, realistic data set so the app is useful the moment it starts.

Correctness:
- Import the Prisma client from the project's client module (or build it exactly as that module does, with the same driver adapter); never a differently configured client.
- Idempotent: a second run leaves the same data. Upsert on a unique key (where: { email }), or delete the seeded tables first, children before parents, inside one transaction; a re-run never creates duplicates.
- Deterministic: fixed values, fixed ids where other rows refer to them, dates computed from a fixed base; no Math.random, and faker only with a fixed seed.
- Satisfy every constraint in the schema: required fields, unique fields, enum values, relation ids. Take field names from the schema in your context; do not guess them.
- Hash demo passwords with the auth module's own function (import it), never store them in plain text, and list the demo email and password in your summary.
- Refuse to run when NODE_ENV is production unless an explicit flag (SEED_ALLOW_PRODUCTION=1) is set.

Shape of the script:
- An async main() that seeds in dependency order (users, then the rows that point at them) and logs one line per table with its count.
- main().catch((error) => { console.error(error); process.exitCode = 1; }).finally(() => prisma.$disconnect()), so a failure exits non-zero and the process never hangs on an open connection.
- Keep the data small (tens of rows) but cover every state the UI shows: open and completed items, a user with an empty list, a long title, non-ASCII text.
- Use createMany where the provider supports it, and a transaction when the rows must appear together.

Wiring:
- Prisma 7 and later read the seed command from prisma.config.ts (migrations: { seed: "tsx prisma/seed.ts" }); Prisma 5 and 6 read "prisma": { "seed": "..." } in package.json. Change that file only if your task owns it; otherwise give the exact line in your summary.
- The runner the command uses (tsx, ts-node, node) must be a dependency or built in; prefer the one the project already uses.
- Add a "db:seed" script when your task owns package.json.

When you are done, check the seeded data and its wiring against the task:
{{task_description}}`,
  variables: taskVariables('dependencies'),
  example: {
    name: 'Todo demo data',
    variables: {
      task_title: 'Seed data',
      task_description:
        'prisma/seed.ts creates the demo user demo@example.com (password "demo-password-1") with six todos, two ' +
        'completed, and a second user with none; hashes with hashPassword from server/auth/password.ts.',
      dependencies: 'Database schema\nUser accounts and sessions',
    },
    expectedOutput: `write_file prisma/seed.ts:
  - refuses NODE_ENV=production without SEED_ALLOW_PRODUCTION=1
  - upserts demo@example.com and empty@example.com by email; deletes and recreates the demo user's todos in one transaction
  - logs "users: 2, todos: 6"; exitCode 1 on failure; $disconnect in finally
Summary: add migrations.seed "tsx prisma/seed.ts" to prisma.config.ts; sign in as demo@example.com / demo-password-1.`,
  },
};

export const DATABASE_TEMPLATES: readonly BuiltinTemplate[] = [prismaSchema, seedData];
