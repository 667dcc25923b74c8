/**
 * What a model may name as a file to write, decided on the string alone (no file system), so
 * the same rules hold on every platform and are testable without a disk. Anything ambiguous is
 * refused rather than repaired: a model that proposes `a/../b` is doing something odd, and a
 * name that means different files on different systems is a way around the other rules.
 * Containment on the real disk is `workspaceGuard`'s job.
 */
import { hex, isInvisible } from '../text/unicode';

export interface PathLimits {
  /**
   * Most segments a path may have.
   * @defaultValue 32
   */
  maxDepth: number;
  /**
   * Longest path, in UTF-8 bytes.
   * @defaultValue 1024
   */
  maxPathBytes: number;
  /**
   * Longest segment, in UTF-8 bytes (NAME_MAX on common file systems).
   * @defaultValue 255
   */
  maxSegmentBytes: number;
}

export const DEFAULT_PATH_LIMITS: Readonly<PathLimits> = Object.freeze({
  maxDepth: 32,
  maxPathBytes: 1024,
  maxSegmentBytes: 255,
});

/** Why a path may be written only with the user's explicit approval. */
export interface Protection {
  readonly reason: string;
}

export type PathVerdict =
  | {
      ok: true;
      /** Normalized: `/`-separated, without `.` or empty segments. */
      path: string;
      segments: string[];
      protection?: Protection;
    }
  | { ok: false; reason: string };

// Device names on Windows, whatever the extension (`CON.txt` opens the console).
const WINDOWS_RESERVED = /^(con|prn|aux|nul|conin\$|conout\$|clock\$|com[1-9¹²³]|lpt[1-9¹²³])$/i;
// Not allowed in Windows file names; `:` would also name an NTFS alternate data stream.
const WINDOWS_INVALID = /[<>:"|?*]/;
// An 8.3 short name such as `GIT~1` can alias `.git` (or any other protected name) on NTFS.
const SHORT_NAME = /^[^.~]{1,6}~\d{1,6}(\.[^.]{0,3})?$/;

/** Directory names whose contents configure tools that run code. */
const PROTECTED_DIRECTORIES: ReadonlyMap<string, string> = new Map([
  ['.vscode', 'editor settings and tasks (.vscode) can run commands'],
  ['.idea', 'IDE configuration (.idea) can run commands'],
  ['.devcontainer', 'dev container configuration (.devcontainer) runs commands'],
  ['.circleci', 'CI configuration (.circleci) runs in CI'],
  ['.husky', 'git hooks (.husky) run on commit'],
  ['.claude', 'agent settings (.claude) can define hooks that run commands'],
]);

/** Pairs of consecutive directories, e.g. `.github/workflows`. */
const PROTECTED_NESTED: readonly (readonly [string, string, string])[] = [
  ['.github', 'workflows', 'CI workflows (.github/workflows) run in CI'],
  ['.github', 'actions', 'CI actions (.github/actions) run in CI'],
  ['.yarn', 'releases', 'the Yarn release (.yarn/releases) runs on every yarn command'],
  ['.yarn', 'plugins', 'Yarn plugins (.yarn/plugins) run on every yarn command'],
];

/** File names, at any depth. */
const PROTECTED_FILES: ReadonlyMap<string, string> = new Map([
  ['.gitlab-ci.yml', 'CI configuration (.gitlab-ci.yml) runs in CI'],
  ['azure-pipelines.yml', 'CI configuration (azure-pipelines.yml) runs in CI'],
  ['azure-pipelines.yaml', 'CI configuration (azure-pipelines.yaml) runs in CI'],
  ['jenkinsfile', 'CI configuration (Jenkinsfile) runs in CI'],
  ['.travis.yml', 'CI configuration (.travis.yml) runs in CI'],
  ['bitbucket-pipelines.yml', 'CI configuration (bitbucket-pipelines.yml) runs in CI'],
  ['.npmrc', 'package manager configuration (.npmrc) can run code and redirect installs'],
  ['.yarnrc', 'package manager configuration (.yarnrc) can run code and redirect installs'],
  ['.yarnrc.yml', 'package manager configuration (.yarnrc.yml) can run code and redirect installs'],
  ['.pnpmfile.cjs', 'pnpm hooks (.pnpmfile.cjs) run on install'],
  ['.pre-commit-config.yaml', 'git hooks (.pre-commit-config.yaml) run on commit'],
]);

const ENV_REASON = 'environment files (.env*) hold secrets, and .envrc runs in the shell';
// Checked-in examples of the variables a project needs, without values: what a new project should have.
const ENV_TEMPLATES: ReadonlySet<string> = new Set(['.env.example', '.env.sample', '.env.template']);

/**
 * A path string as it can be shown in a message: control and invisible characters are written
 * as `\uXXXX` (a reason must not itself reorder a log line), and long paths are cut.
 */
export function displayPath(path: string): string {
  let shown = '';
  for (const char of path) {
    const code = char.codePointAt(0) ?? 0;
    shown += isControl(code) || isInvisible(code) || isSurrogate(code) ? `\\u${hex(code)}` : char;
  }
  return shown.length > 160 ? `${shown.slice(0, 160)}…` : shown;
}

/** Whether a path may be written with approval only, and why. Case-insensitive. */
export function isProtectedPath(path: string): Protection | undefined {
  const segments = path
    .split('/')
    .filter((segment) => segment !== '' && segment !== '.')
    .map((segment) => segment.toLowerCase());
  const why = protectionReason(segments);
  return why === undefined ? undefined : { reason: `path "${displayPath(path)}" is protected: ${why}` };
}

const ENCODED_DOT_OR_SEPARATOR = /%(?:2e|2f|5c)/i;

/** Whether a path is never writable, whatever the approval; the reason if so. */
export function isForbiddenPath(path: string): string | undefined {
  const hit = path.split('/').find((segment) => segment.toLowerCase() === '.git');
  return hit === undefined
    ? undefined
    : `path "${displayPath(path)}" is inside "${hit}", which is never writable (it controls git, including hooks that run code)`;
}

/** Checks a path proposed by the model. Refusals name the path and the rule. */
export function validateProposedPath(input: unknown, limits?: Partial<PathLimits>): PathVerdict {
  const { maxDepth, maxPathBytes, maxSegmentBytes } = { ...DEFAULT_PATH_LIMITS, ...limits };
  if (typeof input !== 'string') return refuse(`path must be a string, got ${describeType(input)}`);
  const shown = displayPath(input);
  if (input.trim() === '') return refuse(`path "${shown}" is empty`);

  const bytes = Buffer.byteLength(input, 'utf8');
  if (bytes > maxPathBytes) return refuse(`path "${shown}" is ${bytes} bytes, longer than ${maxPathBytes}`);

  const badChar = findBadCharacter(input);
  if (badChar !== undefined) return refuse(`path "${shown}" contains ${badChar}`);

  if (input.startsWith('/') || input.startsWith('\\') || /^[a-z]:/i.test(input) || input.startsWith('~')) {
    return refuse(`path "${shown}" is absolute; give a path relative to the workspace, separated by "/"`);
  }
  if (input.includes('\\')) {
    return refuse(`path "${shown}" contains a backslash; separate segments with "/"`);
  }
  // A dot or separator written as %2e, %2f or %5c turns into ".." or "/" wherever the name is
  // URL-decoded (a link, a web server, a tool that takes URIs): never a name a project needs.
  const encoded = ENCODED_DOT_OR_SEPARATOR.exec(input);
  if (encoded) {
    return refuse(
      `path "${shown}" contains "${encoded[0]}", a percent-encoded dot or separator; write the character itself`,
    );
  }
  if (input.endsWith('/') || input === '.' || input.endsWith('/.')) {
    return refuse(`path "${shown}" names a directory, not a file`);
  }

  const raw = input.split('/');
  if (raw.includes('..')) return refuse(`path "${shown}" leaves the workspace (".." is not allowed)`);
  // `./a`, `a/./b` and `a//b` mean one file everywhere, so they are normalized, not refused.
  const segments = raw.filter((segment) => segment !== '' && segment !== '.');
  if (segments.length > maxDepth) {
    return refuse(`path "${shown}" is ${segments.length} segments deep, over maxDepth ${maxDepth}`);
  }

  for (const segment of segments) {
    const problem = segmentProblem(segment, maxSegmentBytes);
    if (problem !== undefined) return refuse(`path "${shown}" ${problem}`);
  }

  const path = segments.join('/');
  const forbidden = isForbiddenPath(path);
  if (forbidden !== undefined) return refuse(forbidden);
  const protection = isProtectedPath(path);
  return protection === undefined ? { ok: true, path, segments } : { ok: true, path, segments, protection };
}

function segmentProblem(segment: string, maxSegmentBytes: number): string | undefined {
  const bytes = Buffer.byteLength(segment, 'utf8');
  const shown = displayPath(segment);
  if (bytes > maxSegmentBytes) return `has a segment of ${bytes} bytes, longer than ${maxSegmentBytes}`;
  if (segment.toLowerCase() === '.git') return undefined; // reported by isForbiddenPath, with its reason
  // Windows drops a trailing dot or space, so `.git.` and `a ` would alias `.git` and `a`.
  if (segment.endsWith('.') || segment.endsWith(' ')) {
    return `has the segment "${shown}", which ends in a dot or space (Windows drops them, making it another name)`;
  }
  const stem = (segment.split('.')[0] ?? '').trimEnd();
  if (WINDOWS_RESERVED.test(stem)) return `has the segment "${shown}", a reserved device name on Windows`;
  if (WINDOWS_INVALID.test(segment)) {
    return `has the segment "${shown}", with a character not allowed in Windows file names (< > : " | ? *)`;
  }
  if (SHORT_NAME.test(segment)) {
    return `has the segment "${shown}", which looks like a Windows 8.3 short name and can alias another file`;
  }
  return undefined;
}

function protectionReason(segments: readonly string[]): string | undefined {
  for (const segment of segments) {
    // Any segment: a file named `.vscode` on a case-insensitive disk is as suspicious as the folder.
    const why = PROTECTED_DIRECTORIES.get(segment);
    if (why !== undefined) return why;
  }
  // The pair must be folders with a file below: `.github/workflows` as a file name is no workflow.
  for (let index = 0; index + 2 < segments.length; index += 1) {
    const pair = PROTECTED_NESTED.find(
      ([first, second]) => segments[index] === first && segments[index + 1] === second,
    );
    if (pair !== undefined) return pair[2];
  }
  const first = segments[0] ?? '';
  const basename = segments[segments.length - 1] ?? '';
  // An example file is fine where it stands; inside a `.env*` folder it is not an example.
  const envExample =
    ENV_TEMPLATES.has(basename) && !segments.slice(0, -1).some((segment) => segment.startsWith('.env'));
  if ((first.startsWith('.env') || basename.startsWith('.env')) && !envExample) return ENV_REASON;
  return PROTECTED_FILES.get(basename);
}

function findBadCharacter(input: string): string | undefined {
  for (const char of input) {
    const code = char.codePointAt(0) ?? 0;
    if (code === 0) return 'a NUL character (U+0000)';
    if (isControl(code)) return `the control character U+${hex(code)}`;
    // A lone surrogate cannot be encoded as UTF-8; the name on disk would differ from the one checked.
    if (isSurrogate(code)) return `an unpaired surrogate U+${hex(code)} (not valid Unicode)`;
    if (isInvisible(code)) return `the invisible or bidirectional character U+${hex(code)}`;
  }
  return undefined;
}

function isControl(code: number): boolean {
  return code <= 0x1f || (code >= 0x7f && code <= 0x9f);
}

function isSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdfff;
}

function describeType(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'an array';
  return typeof input;
}

function refuse(reason: string): PathVerdict {
  return { ok: false, reason };
}
