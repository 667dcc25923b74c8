/**
 * Collections (named, ordered sets of templates — a stack such as "react-express") and
 * examples (variables in, expected output) that document and test a template.
 */
import { TakossError } from '../errors';
import type { TemplateExampleInput } from './types';
import { TemplateNotFoundError, type TemplateDb, type TemplateSummary, listTemplates } from './templateStore';

const COLLECTION_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

export interface CollectionRecord {
  readonly name: string;
  readonly description: string;
  /** Template names in collection order. */
  readonly templates: readonly string[];
}

export async function createCollection(db: TemplateDb, name: string, description = ''): Promise<CollectionRecord> {
  if (!COLLECTION_NAME.test(name)) {
    throw new TakossError('usage', `Invalid collection name "${name}": use lowercase letters, digits and "-".`);
  }
  await db.prisma.templateCollection.upsert({
    where: { name },
    create: { name, description },
    update: { description },
  });
  return getCollection(db, name);
}

export async function addToCollection(
  db: TemplateDb,
  collection: string,
  template: string,
  position?: number,
): Promise<CollectionRecord> {
  const [found, member] = await Promise.all([
    db.prisma.templateCollection.findUnique({
      where: { name: collection },
      include: { _count: { select: { members: true } } },
    }),
    db.prisma.promptTemplate.findUnique({ where: { name: template } }),
  ]);
  if (!found) throw new TakossError('usage', `No collection "${collection}": create it first.`);
  if (!member) throw new TemplateNotFoundError(template);
  const at = position ?? found._count.members;
  await db.prisma.templateCollectionMember.upsert({
    where: { collectionId_templateId: { collectionId: found.id, templateId: member.id } },
    create: { collectionId: found.id, templateId: member.id, position: at },
    update: { position: at },
  });
  return getCollection(db, collection);
}

export async function removeFromCollection(
  db: TemplateDb,
  collection: string,
  template: string,
): Promise<CollectionRecord> {
  await db.prisma.templateCollectionMember.deleteMany({
    where: { collection: { name: collection }, template: { name: template } },
  });
  return getCollection(db, collection);
}

export async function getCollection(db: TemplateDb, name: string): Promise<CollectionRecord> {
  const found = await db.prisma.templateCollection.findUnique({
    where: { name },
    include: {
      members: {
        orderBy: [{ position: 'asc' }, { addedAt: 'asc' }],
        include: { template: { select: { name: true } } },
      },
    },
  });
  if (!found) throw new TakossError('usage', `No collection "${name}".`);
  return {
    name: found.name,
    description: found.description,
    templates: found.members.map((member) => member.template.name),
  };
}

export async function listCollections(db: TemplateDb): Promise<CollectionRecord[]> {
  const rows = await db.prisma.templateCollection.findMany({
    orderBy: { name: 'asc' },
    include: {
      members: {
        orderBy: [{ position: 'asc' }, { addedAt: 'asc' }],
        include: { template: { select: { name: true } } },
      },
    },
  });
  return rows.map((row) => ({
    name: row.name,
    description: row.description,
    templates: row.members.map((member) => member.template.name),
  }));
}

/** The active templates of a collection, for a build restricted to it. */
export async function templatesOfCollection(db: TemplateDb, name: string): Promise<TemplateSummary[]> {
  const collection = await getCollection(db, name);
  const all = await listTemplates(db);
  return collection.templates
    .map((member) => all.find((each) => each.name === member))
    .filter((each) => each !== undefined);
}

export interface ExampleRecord extends TemplateExampleInput {
  readonly version: number | null;
}

export async function addExample(
  db: TemplateDb,
  template: string,
  example: TemplateExampleInput,
  version?: number,
): Promise<ExampleRecord> {
  const found = await db.prisma.promptTemplate.findUnique({
    where: { name: template },
    include: version === undefined ? { versions: false } : { versions: { where: { version } } },
  });
  if (!found) throw new TemplateNotFoundError(template);
  const versionId = version === undefined ? null : (found.versions?.[0]?.id ?? null);
  if (version !== undefined && !versionId) throw new TemplateNotFoundError(template, version);
  await db.prisma.templateExample.create({
    data: {
      templateId: found.id,
      versionId,
      name: example.name,
      variables: example.variables,
      expectedOutput: example.expectedOutput,
    },
  });
  return { ...example, version: version ?? null };
}

export async function listExamples(db: TemplateDb, template: string): Promise<ExampleRecord[]> {
  const rows = await db.prisma.templateExample.findMany({
    where: { template: { name: template } },
    orderBy: { createdAt: 'asc' },
    include: { version: { select: { version: true } } },
  });
  return rows.map((row) => ({
    name: row.name,
    variables: row.variables as Record<string, string>,
    expectedOutput: row.expectedOutput,
    version: row.version?.version ?? null,
  }));
}
