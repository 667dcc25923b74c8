/**
 * Everything the guarded writer decides before it writes, for a batch of files proposed by
 * one task: caps, paths and duplicates (no disk), then containment on the real disk and,
 * per file, what writing it would mean — new, ours to update, unchanged, a user's file or
 * edit (a conflict), or a protected path (needs approval). Nothing is written here: the CLI
 * writes with `applyChanges`, the VS Code extension with a WorkspaceEdit after asking.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { TakossError } from '../errors';
import { displayPath, type Protection, isProtectedPath, validateProposedPath } from './pathPolicy';
import { type ExistingTarget, type MissingTarget, resolveInRealRoot, resolveWorkspaceRoot } from './workspaceGuard';

/** A file as proposed by the model's `write_file` tool. */
export interface FileChange {
  path: string;
  content: string;
}

/** What Takoss itself wrote, per chain (stored elsewhere). Keys are normalized paths. */
export interface WriteLedger {
  /** sha256 hex of the content Takoss last wrote at `path`. */
  get(path: string): Promise<string | undefined>;
  set(path: string, sha256: string): Promise<void>;
}

export interface WriteLimits {
  /** @defaultValue 1_048_576 (1 MiB) */
  maxFileBytes: number;
  /** @defaultValue 200 */
  maxFilesPerTask: number;
  /** @defaultValue 8_388_608 (8 MiB) */
  maxTaskBytes: number;
  /** @defaultValue 32 */
  maxDepth: number;
}

export const DEFAULT_WRITE_LIMITS: Readonly<WriteLimits> = Object.freeze({
  maxFileBytes: 1_048_576,
  maxFilesPerTask: 200,
  maxTaskBytes: 8 * 1_048_576,
  maxDepth: 32,
});

/** Caps on everything one chain writes, over all its tasks (the driver enforces them). */
export interface ChainWriteLimits {
  /** @defaultValue 2000 */
  maxChainFiles: number;
  /** @defaultValue 67_108_864 (64 MiB) */
  maxChainBytes: number;
}

export const DEFAULT_CHAIN_WRITE_LIMITS: Readonly<ChainWriteLimits> = Object.freeze({
  maxChainFiles: 2000,
  maxChainBytes: 64 * 1_048_576,
});

export interface WriteOptions {
  /**
   * Replace files this chain did not write, or that the user changed after it did.
   * @defaultValue false
   */
  overwrite?: boolean;
  /**
   * Write protected paths (editor and CI configuration, `.env*`, package.json scripts…): `true`
   * approves all, a callback is asked once per protected file before anything is written.
   * @defaultValue false
   */
  approveProtected?: boolean | ((path: string, reason: string) => Promise<boolean>);
  /** Caps for the whole batch; see {@link DEFAULT_WRITE_LIMITS}. */
  limits?: Partial<WriteLimits>;
}

export type FileOutcome =
  | { path: string; action: 'created' | 'updated' | 'unchanged'; sha256: string; bytes: number }
  | { path: string; action: 'skipped'; reason: string }
  | { path: string; action: 'refused'; reason: string };

export interface ApplyResult {
  outcomes: FileOutcome[];
  /** Whether any file was refused. */
  refused: boolean;
  /** The first refusal, when there is one: what to show for a failed task. */
  reason?: string;
}

/** A change that passed every check that needs no disk. */
export interface PlannedChange {
  /** Normalized path: the ledger key and the path in outcomes. */
  path: string;
  data: Buffer;
  sha256: string;
  bytes: number;
  protection: Protection | undefined;
}

export type ChangePlan =
  { ok: true; changes: PlannedChange[] } | { ok: false; reason: string; outcomes: FileOutcome[] };

// package.json keys that make commands run (npm scripts, and git hooks installed from it).
const EXECUTABLE_PACKAGE_KEYS = ['scripts', 'gitHooks', 'simple-git-hooks', 'husky', 'pre-commit', 'lint-staged'];

/** Checks a batch without touching the disk: caps, paths, duplicates. All or nothing. */
export function planChanges(changes: readonly FileChange[], options?: Pick<WriteOptions, 'limits'>): ChangePlan {
  if (!Array.isArray(changes)) throw new TakossError('usage', 'changes must be an array of {path, content}');
  const limits = resolveLimits(options?.limits);
  // Outcome paths: normalized when valid, else escaped, so a UI never renders raw bidi characters.
  const shown = changes.map((change: unknown) => displayPath(String((change as { path?: unknown } | null)?.path)));
  if (changes.length > limits.maxFilesPerTask) {
    return refuseAll(shown, `the batch has ${changes.length} files, over maxFilesPerTask ${limits.maxFilesPerTask}`);
  }

  const own = new Map<number, string>();
  const planned: PlannedChange[] = [];
  const seen = new Map<string, string>();
  for (const [index, change] of changes.entries()) {
    const checked = checkChange(change, limits);
    if (typeof checked === 'string') {
      own.set(index, checked);
      continue;
    }
    shown[index] = checked.path;
    const earlier = seen.get(foldCase(checked.path));
    if (earlier !== undefined) {
      own.set(index, `path "${displayPath(checked.path)}" appears twice in the batch (also as "${earlier}")`);
      continue;
    }
    seen.set(foldCase(checked.path), displayPath(checked.path));
    planned.push(checked);
  }
  if (own.size === 0) {
    const conflict = fileAndFolder(planned);
    if (conflict !== undefined) own.set(conflict.index, conflict.reason);
  }
  const first = [...own.keys()].sort((a, b) => a - b)[0];
  if (first !== undefined) return refuseAll(shown, own.get(first) ?? 'the batch was refused', own);

  const total = planned.reduce((sum, change) => sum + change.bytes, 0);
  if (total > limits.maxTaskBytes) {
    return refuseAll(shown, `the batch is ${total} bytes, over maxTaskBytes ${limits.maxTaskBytes}`);
  }
  return { ok: true, changes: planned };
}

/** One change on its own: a planned change, or why it is refused. */
function checkChange(change: unknown, limits: WriteLimits): PlannedChange | string {
  if (typeof change !== 'object' || change === null) return 'a change is not an object {path, content}';
  const { path: proposed, content } = change as { path?: unknown; content?: unknown };
  const verdict = validateProposedPath(proposed, { maxDepth: limits.maxDepth });
  if (!verdict.ok) return verdict.reason;
  const shown = displayPath(verdict.path);
  if (typeof content !== 'string') return `content of "${shown}" is not a string`;
  // Measured before copying, so a huge string is refused without allocating its bytes.
  const bytes = Buffer.byteLength(content, 'utf8');
  if (bytes > limits.maxFileBytes) return `file "${shown}" is ${bytes} bytes, over maxFileBytes ${limits.maxFileBytes}`;
  const data = Buffer.from(content, 'utf8');
  const sha256 = createHash('sha256').update(data).digest('hex');
  return { path: verdict.path, data, sha256, bytes: data.length, protection: verdict.protection };
}

/** A path that is a file and also a folder of another file in the batch cannot be written whole. */
function fileAndFolder(planned: readonly PlannedChange[]): { index: number; reason: string } | undefined {
  const folded = planned.map((change) => foldCase(change.path));
  for (const [index, change] of planned.entries()) {
    const prefix = `${folded[index] ?? ''}/`;
    const below = planned.find((_, other) => folded[other]?.startsWith(prefix));
    if (below !== undefined) {
      const reason = `path "${displayPath(change.path)}" is a file and also a folder of "${displayPath(below.path)}" in the batch`;
      return { index, reason };
    }
  }
  return undefined;
}

/** On macOS and Windows `A.ts` and `a.ts` (and NFC/NFD spellings) are one file. */
function foldCase(filePath: string): string {
  return filePath.normalize('NFC').toLowerCase();
}

/** A change that may be written, with what writing it means. */
export interface ReviewedWrite {
  readonly kind: 'write';
  readonly change: PlannedChange;
  readonly target: ExistingTarget | MissingTarget;
  readonly action: 'created' | 'updated';
  /** File mode to write: the existing one on update, 0o644 on create. */
  readonly mode: number;
  /** Set when the file is a user's (not written by this chain), was edited, or was deleted after we wrote it. */
  readonly conflict?: { readonly kind: 'foreign' | 'edited' | 'deleted'; readonly reason: string };
  /** Set when the path configures tools that run code or holds secrets. */
  readonly protection?: Protection;
}

export type ReviewedChange =
  { readonly kind: 'unchanged'; readonly change: PlannedChange; readonly target: ExistingTarget } | ReviewedWrite;

export type Review =
  | { readonly ok: true; readonly realRoot: string; readonly changes: readonly ReviewedChange[] }
  | { readonly ok: false; readonly reason: string; readonly outcomes: FileOutcome[] };

/**
 * Checks a batch against a real workspace and classifies each file. If any path is refused,
 * the whole batch is (nothing may be written). Throws a `usage` TakossError for a bad workspace.
 */
export async function reviewChanges(
  workspaceRoot: string,
  changes: readonly FileChange[],
  ledger: WriteLedger,
  options: Pick<WriteOptions, 'limits'> = {},
): Promise<Review> {
  const realRoot = await resolveWorkspaceRoot(workspaceRoot);
  const plan = planChanges(changes, options);
  if (!plan.ok) return plan;

  const targets: (ExistingTarget | MissingTarget)[] = [];
  const refusals = new Map<number, string>();
  for (const [index, change] of plan.changes.entries()) {
    // Only package.json content is read back (to compare scripts); others are compared by hash.
    const keepContentUpTo = isPackageJson(change.path) ? DEFAULT_WRITE_LIMITS.maxFileBytes : 0;
    const resolved = await resolveInRealRoot(realRoot, change.path, { keepContentUpTo });
    if (resolved.refused) refusals.set(index, resolved.reason);
    else targets.push(resolved);
  }
  const firstRefusal = [...refusals.values()][0];
  if (firstRefusal !== undefined) {
    return refuseAll(
      plan.changes.map((change) => change.path),
      firstRefusal,
      refusals,
    );
  }
  const reviewed: ReviewedChange[] = [];
  for (const [index, change] of plan.changes.entries()) {
    const target = targets[index];
    if (target === undefined) throw new Error('one target per change');
    reviewed.push(classify(change, target, await ledger.get(change.path)));
  }
  return { ok: true, realRoot, changes: reviewed };
}

function classify(
  change: PlannedChange,
  target: ExistingTarget | MissingTarget,
  recorded: string | undefined,
): ReviewedChange {
  if (target.exists && target.currentSha256 === change.sha256) return { kind: 'unchanged', change, target };
  const shown = displayPath(change.path);
  let conflict: ReviewedWrite['conflict'];
  if (target.exists && recorded === undefined) {
    conflict = { kind: 'foreign', reason: `"${shown}" already exists and Takoss did not write it` };
  } else if (target.exists && recorded !== target.currentSha256) {
    conflict = { kind: 'edited', reason: `"${shown}" was changed after Takoss wrote it` };
  } else if (!target.exists && recorded !== undefined) {
    // A deletion is an edit too: a redelivered task must not bring back a file the user removed.
    conflict = { kind: 'deleted', reason: `"${shown}" was deleted after Takoss wrote it` };
  }
  const protection =
    change.protection ??
    // What the path really names after in-workspace symlinks matters as much as its spelling.
    isProtectedPath(target.realRelativePath) ??
    packageScriptsProtection(change, target);
  return {
    kind: 'write',
    change,
    target,
    action: target.exists ? 'updated' : 'created',
    mode: target.exists ? target.mode : 0o644,
    ...(conflict ? { conflict } : {}),
    ...(protection ? { protection } : {}),
  };
}

/** An existing package.json whose commands would change is protected; a new one is not. */
function packageScriptsProtection(
  change: PlannedChange,
  target: ExistingTarget | MissingTarget,
): Protection | undefined {
  if (!target.exists || !isPackageJson(change.path)) return undefined;
  const before = executableParts(target.currentContent?.toString('utf8'));
  const after = executableParts(change.data.toString('utf8'));
  // Unparsable on either side: assume the worst.
  if (before !== undefined && after !== undefined && before === after) return undefined;
  return { reason: `path "${displayPath(change.path)}" changes package.json scripts, which run code` };
}

/** A canonical string of the package.json parts that run commands, or undefined if unparsable. */
function executableParts(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const record = parsed as Record<string, unknown>;
  return JSON.stringify(
    EXECUTABLE_PACKAGE_KEYS.map((key) => record[key] ?? null),
    sortKeys,
  );
}

/** JSON.stringify replacer sorting object keys, so reordering scripts is not a change. */
function sortKeys(_key: string, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function resolveLimits(partial: Partial<WriteLimits> | undefined): WriteLimits {
  const limits = { ...DEFAULT_WRITE_LIMITS, ...partial };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new TakossError('usage', `limits.${name} must be a positive integer, got ${String(value)}`);
    }
  }
  return limits;
}

/** Every outcome refused: offenders with their own reason, the rest with the batch's. */
export function refuseAll(
  paths: readonly string[],
  reason: string,
  own: ReadonlyMap<number, string> = new Map(),
): { ok: false; reason: string; outcomes: FileOutcome[] } {
  const outcomes = paths.map((each, index): FileOutcome => ({
    path: each,
    action: 'refused',
    reason: own.get(index) ?? (own.size > 0 ? `not written: the batch was refused (${reason})` : reason),
  }));
  return { ok: false, reason, outcomes };
}

function isPackageJson(filePath: string): boolean {
  return path.posix.basename(filePath).toLowerCase() === 'package.json';
}
