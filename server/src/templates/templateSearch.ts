/**
 * Ranked full-text search of the Template Library, on the generated `searchVector` (GIN
 * index) and the small `rankVector`, through plain pg for a prepared, index-friendly query.
 */
import type { TemplateDb } from './templateStore';
import type { TemplateCategory } from './types';

const TSQUERY = `(websearch_to_tsquery('english', $1) || to_tsquery('simple', $2))`;

export interface SearchHit {
  readonly name: string;
  readonly description: string;
  readonly category: TemplateCategory;
  readonly rank: number;
}

/**
 * Ranked full-text search over name, tags, description and production text. Any input is
 * safe: `websearch_to_tsquery` never raises on syntax, and the prefix query is built only
 * from letters and digits, so typing "reac" already finds "react".
 */
export async function searchTemplates(
  db: TemplateDb,
  query: string,
  options: { limit?: number; category?: TemplateCategory } = {},
): Promise<SearchHit[]> {
  // Every word of two or more letters must match, as a word or the start of one; a stray
  // operator or a one-letter fragment does not empty the result.
  const words = (query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((word) => word.length >= 2);
  if (words.length === 0) return [];
  const prefix = words.map((word) => `${word}:*`).join(' & ');
  const result = await db.pool.query<{ name: string; description: string; category: TemplateCategory; rank: number }>({
    // Named, so each connection plans it once. The query is inline (not a joined subquery)
    // so the planner uses the GIN index; ranking reads the small rankVector.
    name: 'takoss-search-templates',
    text: `SELECT t.name, t.description, t.category, ts_rank(t."rankVector", ${TSQUERY}) AS rank
             FROM "PromptTemplate" t
            WHERE t."searchVector" @@ ${TSQUERY} AND t."isActive" AND ($4::text IS NULL OR t.category::text = $4)
            ORDER BY rank DESC, t.name
            LIMIT $3`,
    values: [query, prefix, options.limit ?? 20, options.category ?? null],
  });
  return result.rows.map((row) => ({ ...row, rank: Number(row.rank) }));
}
