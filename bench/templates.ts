/**
 * `npm run bench:templates`: full-text search over 10,000 templates against an unindexed
 * ILIKE scan of the same rows, and recordTemplateUsage throughput, on the real PostgreSQL.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { applyMigrations } from '../server/src/db/migrations';
import { createPool } from '../server/src/db/postgres';
import { createPrismaClient } from '../server/src/db/prisma';
import { ZERO_USAGE } from '../server/src/llm/usage';
import { searchTemplates } from '../server/src/templates/templateSearch';
import { createTemplate, type TemplateDb } from '../server/src/templates/templateStore';
import { recordTemplateUsage } from '../server/src/templates/templateUsage';
import { TEMPLATE_CATEGORIES } from '../server/src/templates/types';
import { createTestDatabase } from '../test/helpers/database';
import { MIGRATIONS_DIR } from '../test/helpers/paths';
import { percentile, seededRandom } from './lib/dag';
import { report, type Figure } from './lib/report';

const TEMPLATES = 10_000;
const QUERIES = 200;

/** Pronounceable pseudo-words, so the text has a realistic spread of distinct terms. */
function vocabulary(random: () => number, size: number): string[] {
  const consonants = 'bcdfghklmnprstvz';
  const vowels = 'aeiou';
  const words = new Set<string>();
  while (words.size < size) {
    const syllables = 2 + Math.floor(random() * 3);
    let word = '';
    for (let index = 0; index < syllables; index++) {
      word += consonants[Math.floor(random() * consonants.length)]! + vowels[Math.floor(random() * vowels.length)]!;
    }
    words.add(word);
  }
  return [...words];
}

/**
 * Word i is used with a frequency proportional to 1/(i+1) (Zipf's law, as in real text): a
 * few words are everywhere, most are specific. Returns a sampler.
 */
function zipf(words: readonly string[], random: () => number): () => string {
  const weights = words.map((_, index) => 1 / (index + 1));
  const cumulative: number[] = [];
  let total = 0;
  for (const weight of weights) cumulative.push((total += weight));
  return () => {
    const target = random() * total;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (cumulative[middle]! < target) low = middle + 1;
      else high = middle;
    }
    return words[low]!;
  };
}

function uniform(words: readonly string[], random: () => number): () => string {
  return () => words[Math.floor(random() * words.length)]!;
}

async function fill(db: TemplateDb, word: () => string): Promise<void> {
  const pick = (count: number) => Array.from({ length: count }, word).join(' ');
  for (let start = 0; start < TEMPLATES; start += 1000) {
    const rows = Array.from({ length: 1000 }, (_, offset) => ({
      name: `bench/t-${start + offset}`,
      description: pick(12),
      category: TEMPLATE_CATEGORIES[(start + offset) % 7]!,
      tags: pick(3).split(' '),
      text: pick(150),
    }));
    await db.pool.query(
      `INSERT INTO "PromptTemplate" (name, description, category, tags, "productionText")
       SELECT r.name, r.description, r.category::"TemplateCategory", r.tags, r.text
         FROM jsonb_to_recordset($1::jsonb) AS r(name text, description text, category text, tags text[], text text)`,
      [JSON.stringify(rows)],
    );
  }
  await db.pool.query('ANALYZE "PromptTemplate"');
}

/** Searches of 1–2 words drawn like the text's own words, against an ILIKE scan. */
async function measureSearch(
  db: TemplateDb,
  label: string,
  word: () => string,
  random: () => number,
  withGoal: boolean,
): Promise<Figure> {
  const queries = Array.from({ length: QUERIES }, () =>
    Array.from({ length: 1 + Math.floor(random() * 2) }, word).join(' '),
  );
  for (const query of queries.slice(0, 20)) await searchTemplates(db, query); // warm the caches
  const indexed: number[] = [];
  const scanned: number[] = [];
  for (const query of queries) {
    indexed.push(await time(() => searchTemplates(db, query)));
    const like = `%${query.split(' ')[0]}%`;
    scanned.push(
      await time(() =>
        db.pool.query(
          `SELECT name FROM "PromptTemplate" WHERE name ILIKE $1 OR description ILIKE $1 OR "productionText" ILIKE $1 LIMIT 20`,
          [like],
        ),
      ),
    );
  }
  const p95 = percentile(indexed, 95);
  return {
    figure: `template search p95, ${TEMPLATES} templates (${label}, ${QUERIES} queries)`,
    baseline: `unindexed ILIKE scan: p95 ${percentile(scanned, 95).toFixed(2)} ms`,
    takoss: `p50 ${percentile(indexed, 50).toFixed(2)} ms, p95 ${p95.toFixed(2)} ms`,
    ratio: p95,
    goal: withGoal ? '≤ 5 ms' : 'context',
    met: withGoal ? p95 <= 5 : true,
    detail: { p50Ms: percentile(indexed, 50), p95Ms: p95, ilikeP95Ms: percentile(scanned, 95) },
  };
}

async function time(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

async function main(): Promise<void> {
  const database = await createTestDatabase('takoss_bench');
  const pool = createPool(database.url, { max: 20 });
  const prisma = createPrismaClient(database.url);
  const db: TemplateDb = { prisma, pool };
  const figures: Figure[] = [];
  try {
    await applyMigrations(pool, MIGRATIONS_DIR);
    const random = seededRandom(11);
    const words = vocabulary(random, 20_000);
    // Realistic text (Zipf: the most frequent words play the part of the stop words English
    // search drops) searched for topical words (ranks 50–5,000) carries the goal. Uniform text,
    // where every word is in ~5% of the templates so every query matches hundreds, is the stress case.
    const topical = uniform(words.slice(50, 5000), random);
    const uniformWords = uniform(words.slice(0, 3000), random);
    for (const [label, text, queries, goal] of [
      ['Zipf text, topical queries', zipf(words, random), topical, true],
      ['stress: uniform 3,000-word text', uniformWords, uniformWords, false],
    ] as const) {
      await pool.query('TRUNCATE "PromptTemplate" CASCADE');
      await fill(db, text);
      figures.push(await measureSearch(db, label, queries, random, goal));
    }

    const template = await createTemplate(db, {
      name: 'bench/usage',
      description: 'usage counter',
      category: 'general',
      text: 'x',
    });
    const calls = 4000;
    let next = 0;
    const worker = async () => {
      while (next < calls) {
        const index = next++;
        await recordTemplateUsage(db, {
          templateVersionId: template.id,
          chainId: 'bench',
          taskId: `t${index}`,
          model: 'claude-sonnet-5-5',
          status: 'succeeded',
          attempts: 1,
          executionTimeMs: 100,
          usage: ZERO_USAGE,
        });
      }
    };
    const elapsed = await time(() => Promise.all(Array.from({ length: 16 }, worker)));
    const perSecond = calls / (elapsed / 1000);
    const counted = await pool.query<{ usageCount: number }>(
      `SELECT "usageCount" FROM "PromptTemplate" WHERE name = 'bench/usage'`,
    );
    figures.push({
      figure: `recordTemplateUsage, ${calls} calls, 16 at a time`,
      baseline: `counter after the run: ${counted.rows[0]?.usageCount} (exact: ${calls})`,
      takoss: `${perSecond.toFixed(0)} calls/s`,
      ratio: perSecond,
      goal: 'context (exact counts)',
      met: counted.rows[0]?.usageCount === calls,
      detail: { perSecond },
    });
  } finally {
    await prisma.$disconnect();
    await pool.end();
    await database.drop();
  }
  report('templates', figures, {
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
  });
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
