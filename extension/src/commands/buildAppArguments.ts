/**
 * What "Takoss: Build App" accepts as a command argument — from a keybinding's `args`, a
 * task or another extension — so it can skip the questions it would otherwise ask:
 * `{ "request": "Build a Todo app…", "folder": "/path/of/a/workspace/folder", "options": { "concurrency": 2 } }`.
 */
import { z } from 'zod';

/** Shorter requests are not enough to plan an app from. */
export const MIN_REQUEST_LENGTH = 10;
/** What a Claude model id looks like, e.g. claude-sonnet-5-5. */
export const MODEL_ID = /^[a-z0-9][a-z0-9.-]{2,99}$/;

export const BuildAppArguments = z
  .object({
    request: z.string().trim().min(MIN_REQUEST_LENGTH, `say at least ${MIN_REQUEST_LENGTH} characters`).optional(),
    /** A workspace folder's path; without it, the only folder or the user's pick. */
    folder: z.string().min(1).optional(),
    /** Given: start with these (settings fill the rest) instead of showing the options pick. */
    options: z
      .object({
        concurrency: z.number().int().min(1).max(64).optional(),
        model: z.string().regex(MODEL_ID, 'a model id such as claude-sonnet-5-5').optional(),
        budgetUsd: z.number().positive().optional(),
        collection: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type BuildAppArguments = z.infer<typeof BuildAppArguments>;

/**
 * The arguments, or an error message that names what is wrong. Run from the palette, a view's
 * title bar or a link, VS Code passes nothing: that means "ask". Any plain object is checked
 * strictly, so a misspelt key is an error rather than silently ignored.
 */
export function parseBuildAppArguments(
  value: unknown,
): { ok: true; value: BuildAppArguments } | { ok: false; error: string } {
  if (typeof value !== 'object' || value === null || !isPlainObject(value)) return { ok: true, value: {} };
  const parsed = BuildAppArguments.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'arguments'}: ${issue.message}`);
  return { ok: false, error: problems.join('; ') };
}

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
