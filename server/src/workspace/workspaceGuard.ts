/**
 * Containment on the real disk. A path that passed `validateProposedPath` can still leave the
 * workspace through a symlink, so containment is decided on real paths (`realpath`), walking one
 * component at a time, and never by comparing strings: `/w/app-evil` starts with `/w/app`.
 */
import { createHash } from 'node:crypto';
import { constants, promises as fs, type Stats } from 'node:fs';
import path from 'node:path';
import { TakossError, errorMessage } from '../errors';
import { displayPath, isForbiddenPath, validateProposedPath } from './pathPolicy';

// Undefined on Windows, where symlinks are rare and `lstat` above still catches them.
const O_NOFOLLOW: number = (constants as Partial<typeof constants>).O_NOFOLLOW ?? 0;
// So that a FIFO swapped in after `lstat` cannot block the read forever.
const O_NONBLOCK: number = (constants as Partial<typeof constants>).O_NONBLOCK ?? 0;

interface TargetBase {
  refused: false;
  /** Where to write: the real workspace root joined with real existing folders and new segments. */
  absolutePath: string;
  /** `fs.realpath` of the workspace root; every check is relative to it. */
  realRoot: string;
  /** `absolutePath` relative to `realRoot`, `/`-separated: what the path really names after symlinks. */
  realRelativePath: string;
}

/** The target exists and is a regular file. */
export interface ExistingTarget extends TargetBase {
  exists: true;
  /** sha256 hex of the current content. */
  currentSha256: string;
  currentSize: number;
  /** The current content, or undefined when it is larger than `keepContentUpTo`. */
  currentContent: Buffer | undefined;
  /** Permission bits of the current file. */
  mode: number;
}

/** Nothing is there yet; some parent folders may be missing too. */
export interface MissingTarget extends TargetBase {
  exists: false;
}

export interface RefusedTarget {
  refused: true;
  reason: string;
}

export type ResolvedTarget = ExistingTarget | MissingTarget | RefusedTarget;

export interface ResolveOptions {
  /**
   * Largest current file whose content is returned; larger ones are hashed, not kept.
   * @defaultValue 1048576 (1 MiB)
   */
  keepContentUpTo?: number;
}

/**
 * Whether `candidate` is `root` or inside it. Both must be absolute and already real paths
 * (resolve symlinks first): this compares names, it does not look at the disk.
 */
export function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  if (relative === '') return true;
  return relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative);
}

/**
 * The real path of a workspace folder. Throws a `usage` TakossError when it is not absolute,
 * does not exist, is not a folder, or is the file-system root (that would make every file
 * "inside the workspace").
 */
export async function resolveWorkspaceRoot(workspaceRoot: string): Promise<string> {
  const shown = typeof workspaceRoot === 'string' ? workspaceRoot : String(workspaceRoot);
  if (typeof workspaceRoot !== 'string' || !path.isAbsolute(workspaceRoot)) {
    throw new TakossError('usage', `workspace "${shown}" is not an absolute path; pass the full path of a folder`);
  }
  let realRoot: string;
  let stats: Stats;
  try {
    realRoot = await fs.realpath(workspaceRoot);
    stats = await fs.stat(realRoot);
  } catch (error) {
    throw new TakossError(
      'usage',
      `workspace "${shown}" cannot be opened (${errorMessage(error)}); pass an existing folder`,
      {
        cause: error,
      },
    );
  }
  if (!stats.isDirectory()) throw new TakossError('usage', `workspace "${shown}" is not a folder; pass a folder`);
  if (path.parse(realRoot).root === realRoot) {
    throw new TakossError('usage', `workspace "${shown}" is the file-system root; pass a project folder`);
  }
  return realRoot;
}

/** Resolves a validated workspace-relative path inside a workspace folder. */
export async function resolveInWorkspace(
  workspaceRoot: string,
  relativePath: string,
  options?: ResolveOptions,
): Promise<ResolvedTarget> {
  return resolveInRealRoot(await resolveWorkspaceRoot(workspaceRoot), relativePath, options);
}

/**
 * Like `resolveInWorkspace`, for a root already passed through `resolveWorkspaceRoot`, so a
 * batch resolves every path against one root.
 */
export async function resolveInRealRoot(
  realRoot: string,
  relativePath: string,
  options?: ResolveOptions,
): Promise<ResolvedTarget> {
  // Checked again here (depth aside, a writer's cap) so this function is safe on its own.
  const verdict = validateProposedPath(relativePath, { maxDepth: Number.MAX_SAFE_INTEGER });
  if (!verdict.ok) return refused(verdict.reason);
  const shown = displayPath(verdict.path);
  const { segments } = verdict;

  let current = realRoot;
  for (let index = 0; index < segments.length - 1; index += 1) {
    const candidate = path.join(current, segments[index] ?? '');
    const via = displayPath(segments.slice(0, index + 1).join('/'));
    let stats: Stats;
    try {
      stats = await fs.lstat(candidate);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return target(realRoot, path.join(candidate, ...segments.slice(index + 1)));
      return refused(`path "${shown}" cannot be checked at "${via}" (${errorMessage(error)})`);
    }
    if (!stats.isSymbolicLink() && !stats.isDirectory()) {
      return refused(`path "${shown}" goes through "${via}", which is not a folder`);
    }
    let real: string;
    try {
      // For a plain folder too: it gives the on-disk spelling, so later equality checks hold.
      real = await fs.realpath(candidate);
    } catch (error) {
      return refused(
        stats.isSymbolicLink()
          ? `path "${shown}" goes through the symlink "${via}", which points nowhere (dangling)`
          : `path "${shown}" cannot be checked at "${via}" (${errorMessage(error)})`,
      );
    }
    if (!isInside(realRoot, real)) {
      return refused(`path "${shown}" goes through the symlink "${via}" to "${real}", outside the workspace`);
    }
    if (stats.isSymbolicLink() && !(await isDirectory(real))) {
      return refused(`path "${shown}" goes through the symlink "${via}", which does not point to a folder`);
    }
    current = real;
  }

  const absolutePath = path.join(current, segments[segments.length - 1] ?? '');
  let stats: Stats;
  try {
    stats = await fs.lstat(absolutePath);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return target(realRoot, absolutePath);
    return refused(`path "${shown}" cannot be checked (${errorMessage(error)})`);
  }
  // Even a symlink to a file inside: writing through links is how deny rules get skipped.
  if (stats.isSymbolicLink()) return refused(`path "${shown}" is a symlink; Takoss does not write through symlinks`);
  if (stats.isDirectory()) return refused(`path "${shown}" is a folder, not a file`);
  if (!stats.isFile()) return refused(`path "${shown}" is not a regular file`);

  const found = target(realRoot, absolutePath);
  if (found.refused) return found;
  try {
    const current = await readCurrent(absolutePath, options?.keepContentUpTo ?? 1_048_576);
    return { ...found, exists: true, ...current };
  } catch (error) {
    return refused(`path "${shown}" cannot be read (${errorMessage(error)})`);
  }
}

/**
 * Creates the missing folders of `dir` one by one from the workspace root, refusing any
 * component that is (or became, since it was resolved) a symlink or not a folder, then checks
 * that the real path of `dir` is still `dir`. `dir` must be a path from a resolved target.
 * Throws a `failed` TakossError naming the problem.
 */
export async function ensureFolderInside(realRoot: string, dir: string): Promise<void> {
  if (!isInside(realRoot, dir)) throw changed(realRoot, dir, 'is outside the workspace');
  const relative = path.relative(realRoot, dir);
  let current = realRoot;
  for (const segment of relative === '' ? [] : relative.split(path.sep)) {
    current = path.join(current, segment);
    try {
      await fs.mkdir(current, { mode: 0o755 });
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error;
    }
    const stats = await fs.lstat(current);
    if (stats.isSymbolicLink() || !stats.isDirectory()) throw changed(realRoot, current, 'is no longer a plain folder');
  }
  await assertRealFolder(realRoot, dir);
}

/**
 * Checks, right before a rename, that `dir` is still a real folder inside the workspace:
 * its real path must be itself, so no component was swapped for a symlink meanwhile.
 */
export async function assertRealFolder(realRoot: string, dir: string): Promise<void> {
  const real = await fs.realpath(dir);
  if (real !== dir || !isInside(realRoot, real)) throw changed(realRoot, dir, `now resolves to "${real}"`);
}

async function readCurrent(
  file: string,
  keepUpTo: number,
): Promise<{ currentSha256: string; currentSize: number; currentContent: Buffer | undefined; mode: number }> {
  const handle = await fs.open(file, constants.O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new Error('it is no longer a regular file');
    // Hashed in chunks so a huge existing file costs no memory; kept only when small.
    const hash = createHash('sha256');
    const kept: Buffer[] = [];
    let size = 0;
    const chunk = Buffer.alloc(64 * 1024);
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      const part = chunk.subarray(0, bytesRead);
      hash.update(part);
      size += bytesRead;
      if (size <= keepUpTo) kept.push(Buffer.from(part));
    }
    return {
      currentSha256: hash.digest('hex'),
      currentSize: size,
      currentContent: size <= keepUpTo ? Buffer.concat(kept) : undefined,
      mode: stats.mode & 0o777,
    };
  } finally {
    await handle.close();
  }
}

function target(realRoot: string, absolutePath: string): MissingTarget | RefusedTarget {
  if (!isInside(realRoot, absolutePath)) return refused(`path "${absolutePath}" is outside the workspace`);
  const realRelativePath = path.relative(realRoot, absolutePath).split(path.sep).join('/');
  // A symlink inside the workspace may lead to `.git` under another name.
  const forbidden = isForbiddenPath(realRelativePath);
  if (forbidden !== undefined) return refused(`${forbidden} (reached through a symlink)`);
  return { refused: false, exists: false, absolutePath, realRoot, realRelativePath };
}

async function isDirectory(real: string): Promise<boolean> {
  try {
    return (await fs.stat(real)).isDirectory();
  } catch {
    return false;
  }
}

function changed(realRoot: string, dir: string, what: string): TakossError {
  const shown = displayPath(path.relative(realRoot, dir).split(path.sep).join('/'));
  return new TakossError('failed', `folder "${shown}" ${what} (it changed while writing); nothing was written there`);
}

function refused(reason: string): RefusedTarget {
  return { refused: true, reason };
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
