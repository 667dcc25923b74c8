/**
 * "The files involved" in a failure, for the repair prompt: the paths a failing command's output
 * mentions that are real files inside the workspace. Best effort — a path it misses only costs
 * the repair some context; a path outside the workspace is never returned.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isInside, isProtectedPath } from '../workspace';

export interface InvolvedFilesOptions {
  /** At most this many paths, in order of first mention. @defaultValue 20 */
  readonly max?: number;
}

// file:///abs/path.js — stack traces of ES modules.
const FILE_URL = /file:\/\/[^\s'"`()<>[\]{}]+/g;
// Output is cut into tokens first (whitespace, quotes, brackets, parens, `=`, `,`, `;`, `|`), then
// each token at ':' (keeping a drive letter), and every piece is matched whole by an anchored
// pattern. Every step is linear: a megabyte of output without a separator must not stall the loop.
const TOKEN = /[^\s'"`()<>[\]{}=,;|]+/g;
// Longer tokens are not paths anyone prints; skipping them bounds the work per token.
const MAX_TOKEN_CHARS = 1_024;
const DRIVE = /^[A-Za-z]:[\\/]/;
// A path with an extension: absolute (/a/b.ts, C:\a\b.ts), ./ or ../ relative, or bare (src/a.ts).
const PATH_LIKE = /^(?:[A-Za-z]:[\\/]|\.{0,2}[\\/])?(?:[\w@.+~-]+[\\/])*[\w@.+~-]+\.[A-Za-z]\w{0,9}$/;
// Sentence punctuation after a path: "see src/a.ts." must still find src/a.ts.
const TRAILING_PUNCTUATION = /[.!?]+$/;
// Dependencies and VCS internals: not the project's code, nothing a repair should edit.
const NOT_PROJECT_CODE = /(^|\/)(node_modules|\.git)(\/|$)/;
// Key material: never worth showing to a repair, whatever the output says. (.env* and the other
// protected paths come from the workspace's own rule, `isProtectedPath`.)
const KEY_MATERIAL = /(^|\/)(id_rsa[^/]*|id_ed25519[^/]*|id_ecdsa[^/]*|id_dsa[^/]*|[^/]*\.(pem|key|p12|pfx))$/i;
// Each candidate costs a realpath; output full of paths must not turn into thousands of them.
const MAX_CANDIDATES = 500;

/** Workspace-relative, `/`-separated paths of existing files inside the workspace that `output` mentions. */
export async function findInvolvedFiles(
  output: string,
  workspaceRoot: string,
  options: InvolvedFilesOptions = {},
): Promise<string[]> {
  const max = options.max ?? 20;
  const realRoot = await fs.realpath(workspaceRoot);
  const found: string[] = [];
  for (const candidate of pathCandidates(output)) {
    if (found.length >= max) break;
    const relative = await containedFile(realRoot, workspaceRoot, candidate);
    if (relative !== undefined && !found.includes(relative)) found.push(relative);
  }
  return found;
}

/** Path-like strings of `output` in order of first appearance, deduplicated. */
export function pathCandidates(output: string): string[] {
  const seen = new Set<string>();
  const ordered: { at: number; text: string }[] = [];
  const add = (at: number, text: string): void => {
    if (text === '' || seen.has(text)) return;
    seen.add(text);
    ordered.push({ at, text });
  };
  for (const match of output.matchAll(FILE_URL)) {
    try {
      add(match.index, fileURLToPath(match[0].replace(/:\d+(:\d+)?$/, '')));
    } catch {
      // Not a usable file URL (e.g. a host part): ignore.
    }
  }
  // Blank the URLs out so their tails are not read a second time as plain paths.
  const withoutUrls = output.replace(FILE_URL, (url) => ' '.repeat(url.length));
  for (const match of withoutUrls.matchAll(TOKEN)) {
    const token = match[0];
    if (token.length > MAX_TOKEN_CHARS) continue;
    const drive = DRIVE.exec(token)?.[0] ?? '';
    let offset = match.index + drive.length;
    const pieces = token.slice(drive.length).split(':');
    pieces.forEach((piece, index) => {
      const candidate = (index === 0 ? drive : '') + piece.replace(TRAILING_PUNCTUATION, '');
      if (PATH_LIKE.test(candidate)) add(offset, candidate);
      offset += piece.length + 1;
    });
  }
  return ordered
    .sort((a, b) => a.at - b.at)
    .slice(0, MAX_CANDIDATES)
    .map((entry) => entry.text);
}

async function containedFile(realRoot: string, workspaceRoot: string, candidate: string): Promise<string | undefined> {
  const absolute = path.resolve(workspaceRoot, candidate);
  let real: string;
  try {
    // realpath, not the string: a path inside may lead outside through a symlink.
    real = await fs.realpath(absolute);
    if (!(await fs.stat(real)).isFile()) return undefined;
  } catch {
    return undefined;
  }
  if (!isInside(realRoot, real)) return undefined;
  const relative = path.relative(realRoot, real).split(path.sep).join('/');
  if (relative === '' || NOT_PROJECT_CODE.test(relative)) return undefined;
  // Secrets must not travel into a repair prompt.
  if (isSecretPath(relative)) return undefined;
  return relative;
}

/** `.env*` and the other protected paths of the workspace rule, plus key and certificate files. */
export function isSecretPath(relative: string): boolean {
  return isProtectedPath(relative) !== undefined || KEY_MATERIAL.test(relative);
}

export interface InvolvedFileLimits {
  /** @defaultValue 64 KiB */
  readonly maxFileBytes?: number;
  /** @defaultValue 256 KiB */
  readonly maxTotalBytes?: number;
}

/**
 * The contents of `relativePaths` (workspace-relative), for a repair prompt: each checked
 * again by real path (the disk may have changed since the output named it), secrets and
 * files outside the workspace left out, and the whole bounded — a file over the limits is
 * named with a note instead of its contents.
 */
export async function readInvolvedFiles(
  workspaceRoot: string,
  relativePaths: readonly string[],
  limits: InvolvedFileLimits = {},
): Promise<{ path: string; content: string }[]> {
  const maxFile = limits.maxFileBytes ?? 64 * 1024;
  let budget = limits.maxTotalBytes ?? 256 * 1024;
  const realRoot = await fs.realpath(workspaceRoot);
  const files: { path: string; content: string }[] = [];
  for (const candidate of relativePaths) {
    const relative = await containedFile(realRoot, workspaceRoot, candidate);
    if (relative === undefined || files.some((file) => file.path === relative)) continue;
    const absolute = path.join(realRoot, relative);
    const { size } = await fs.stat(absolute);
    if (size > maxFile || size > budget) {
      files.push({ path: relative, content: `(${size} bytes: too large to include; read it if you need it)` });
      continue;
    }
    const content = await fs.readFile(absolute, 'utf8').catch(() => undefined);
    if (content === undefined) continue;
    budget -= size;
    files.push({ path: relative, content });
  }
  return files;
}

// Relative specifiers of require(), import … from, import() and export … from: the code a
// failing test exercises is usually what it imports, and the output rarely names it.
const LOCAL_IMPORT = /(?:require\s*\(\s*|import\s*\(\s*|\bfrom\s+)(['"])(\.{1,2}\/[^'"\n]{1,200})\1/g;
const IMPORT_EXTENSIONS = ['', '.js', '.ts', '.tsx', '.jsx', '.mjs', '.cjs', '/index.js', '/index.ts'];
/** Larger files are not scanned for imports. */
const MAX_SCANNED_BYTES = 256 * 1024;

/**
 * `files` followed by the workspace files they import by relative path (one level: the
 * modules a failing test loads), at most `max` in all, each contained in the workspace.
 */
export async function withLocalImports(workspaceRoot: string, files: readonly string[], max = 20): Promise<string[]> {
  const realRoot = await fs.realpath(workspaceRoot);
  const found = [...files];
  for (const file of files) {
    const absolute = path.join(realRoot, file);
    const size = (await fs.stat(absolute).catch(() => undefined))?.size ?? Infinity;
    if (size > MAX_SCANNED_BYTES) continue;
    const content = await fs.readFile(absolute, 'utf8').catch(() => '');
    for (const match of content.matchAll(LOCAL_IMPORT)) {
      if (found.length >= max) return found;
      const base = path.posix.join(path.posix.dirname(file), match[2]!);
      for (const extension of IMPORT_EXTENSIONS) {
        const relative = await containedFile(realRoot, workspaceRoot, base + extension);
        if (relative === undefined) continue;
        if (!found.includes(relative)) found.push(relative);
        break;
      }
    }
  }
  return found;
}
