/**
 * prisma/schema.prisma and the SQL migrations are written separately (Prisma's migration
 * engine cannot run offline), so this proves they agree: every model is written and read
 * through the generated client against a database built only from the migrations.
 */
import assert from 'node:assert/strict';
import { applyMigrations } from '../../server/src/db/migrations';
import { createPool } from '../../server/src/db/postgres';
import { createPrismaClient, type PrismaClient } from '../../server/src/db/prisma';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { MIGRATIONS_DIR } from '../helpers/paths';

describe('the Prisma schema against the migrated database', () => {
  let database: TestDatabase;
  let prisma: PrismaClient;

  before(async () => {
    database = await createTestDatabase();
    const pool = createPool(database.url);
    await applyMigrations(pool, MIGRATIONS_DIR);
    await pool.end();
    prisma = createPrismaClient(database.url);
  });

  after(async () => {
    await prisma.$disconnect();
    await database.drop();
  });

  it('writes and reads every model, with relations, defaults and decimals', async () => {
    const template = await prisma.promptTemplate.create({
      data: {
        name: 'frontend/react-component',
        description: 'A typed React function component with its test',
        category: 'frontend',
        tags: ['react', 'component'],
        versions: {
          create: {
            version: 1,
            text: 'Write the component {{name}}.',
            variables: [{ name: 'name', description: 'Component name', required: true }],
          },
        },
      },
      include: { versions: true },
    });
    const version = template.versions[0]!;
    assert.match(template.id, /^[0-9a-f-]{36}$/, 'the database generated the id');
    assert.equal(template.isActive, true);
    assert.equal(template.usageCount, 0);
    assert.equal(template.modelType, 'claude');

    await prisma.templateLabel.create({
      data: { templateId: template.id, label: 'production', versionId: version.id },
    });
    await prisma.templateExample.create({
      data: {
        templateId: template.id,
        versionId: version.id,
        name: 'button',
        variables: { name: 'Button' },
        expectedOutput: 'export function Button',
      },
    });
    const collection = await prisma.templateCollection.create({
      data: { name: 'react-express', members: { create: { templateId: template.id, position: 1 } } },
    });
    await prisma.templateExecution.create({
      data: {
        templateVersionId: version.id,
        chainId: 'chain-1',
        taskId: 'ui',
        model: 'claude-sonnet-5-5',
        status: 'succeeded',
        executionTimeMs: 1234,
        promptTokens: 1000,
        completionTokens: 500,
        cacheReadTokens: 800,
        costUsd: '0.012345',
      },
    });

    const loaded = await prisma.promptTemplate.findUniqueOrThrow({
      where: { name: 'frontend/react-component' },
      include: {
        labels: true,
        examples: true,
        collections: { include: { collection: true } },
        versions: { include: { executions: true } },
      },
    });
    assert.equal(loaded.labels[0]?.label, 'production');
    assert.deepEqual(loaded.examples[0]?.variables, { name: 'Button' });
    assert.equal(loaded.collections[0]?.collection.id, collection.id);
    const execution = loaded.versions[0]?.executions[0];
    assert.equal(execution?.costUsd.toString(), '0.012345');
    assert.equal(execution?.attempts, 1);
    assert.equal(execution?.cacheWriteTokens, 0);
  });

  it('keeps template versions immutable and their numbers unique per template', async () => {
    const template = await prisma.promptTemplate.create({
      data: {
        name: 'docs/readme',
        description: 'README',
        category: 'docs',
        versions: { create: { version: 1, text: 'v1' } },
      },
      include: { versions: true },
    });
    await assert.rejects(
      prisma.templateVersion.update({ where: { id: template.versions[0]!.id }, data: { text: 'rewritten' } }),
      /immutable/,
    );
    await assert.rejects(
      prisma.templateVersion.create({ data: { templateId: template.id, version: 1, text: 'again' } }),
      {
        code: 'P2002',
      },
    );
  });

  it('fills the generated search vector, found with websearch_to_tsquery through the GIN index', async () => {
    await prisma.promptTemplate.create({
      data: {
        name: 'backend/express-route',
        description: 'An Express router with validation',
        category: 'backend',
        tags: ['express', 'api'],
        productionText: 'Write an Express route handler for {{resource}}.',
      },
    });
    const hits = await prisma.$queryRaw<{ name: string }[]>`
      SELECT name FROM "PromptTemplate"
       WHERE "searchVector" @@ websearch_to_tsquery('english', ${'express route handler'})`;
    assert.deepEqual(
      hits.map((hit) => hit.name),
      ['backend/express-route'],
    );
    const index = await prisma.$queryRaw<{ indexdef: string }[]>`
      SELECT indexdef FROM pg_indexes WHERE indexname = 'PromptTemplate_searchVector_idx'`;
    assert.match(index[0]?.indexdef ?? '', /USING gin/);
  });
});
