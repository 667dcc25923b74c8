/**
 * What "Takoss: Build App" accepts as a command argument — from a keybinding's `args`, a
 * task or another extension — so it can skip the questions it would otherwise ask:
 * `{ "request": "Build a Todo app…", "folder": "/path/of/a/workspace/folder", "options": { "concurrency": 2 } }`.
 */
// zod/mini, not zod: the full zod (every locale, JSON Schema) is over 400 KB of the
// extension bundle. English messages are asked for per parse, so nothing global changes.
import * as z from 'zod/mini';
import { en } from 'zod/locales';

/** Shorter requests are not enough to plan an app from. */
export const MIN_REQUEST_LENGTH = 10;
/** What a Claude model id looks like, e.g. claude-sonnet-5-5. */
export const MODEL_ID = /^[a-z0-9][a-z0-9.-]{2,99}$/;

/** Built on first use, not while the extension activates. */
function buildAppArgumentsSchema() {
  return z.strictObject({
    request: z.optional(
      z.string().check(z.trim(), z.minLength(MIN_REQUEST_LENGTH, `say at least ${MIN_REQUEST_LENGTH} characters`)),
    ),
    /** A workspace folder's path; without it, the only folder or the user's pick. */
    folder: z.optional(z.string().check(z.minLength(1))),
    /** Given: start with these (settings fill the rest) instead of showing the options pick. */
    options: z.optional(
      z.strictObject({
        concurrency: z.optional(z.int().check(z.minimum(1), z.maximum(64))),
        model: z.optional(z.string().check(z.regex(MODEL_ID, 'a model id such as claude-sonnet-5-5'))),
        budgetUsd: z.optional(z.number().check(z.positive())),
        collection: z.optional(z.string().check(z.minLength(1))),
      }),
    ),
  });
}
export type BuildAppArguments = z.infer<ReturnType<typeof buildAppArgumentsSchema>>;

let parser: { schema: ReturnType<typeof buildAppArgumentsSchema>; english: z.core.$ZodErrorMap } | undefined;

/**
 * The arguments, or an error message that names what is wrong. Run from the palette, a view's
 * title bar or a link, VS Code passes nothing: that means "ask". Any plain object is checked
 * strictly, so a misspelt key is an error rather than silently ignored.
 */
export function parseBuildAppArguments(
  value: unknown,
): { ok: true; value: BuildAppArguments } | { ok: false; error: string } {
  if (typeof value !== 'object' || value === null || !isPlainObject(value)) return { ok: true, value: {} };
  parser ??= { schema: buildAppArgumentsSchema(), english: en().localeError };
  const parsed = parser.schema.safeParse(value, { error: parser.english });
  if (parsed.success) return { ok: true, value: parsed.data };
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'arguments'}: ${issue.message}`);
  return { ok: false, error: problems.join('; ') };
}

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
