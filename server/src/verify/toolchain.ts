/**
 * Which commands prove that a generated project works: read package.json and the lockfile,
 * pick the package manager, and list install, build and test in order. Nothing runs here.
 */
import { constants as fsConstants, promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { TakossError, errorMessage } from '../errors';
import { isInside } from '../workspace';

export type PackageManager = 'npm' | 'pnpm' | 'yarn';
export type VerifyStepName = 'install' | 'build' | 'test';

/** One command to run in the workspace root: an argv, never a shell string. */
export interface VerifyStep {
  readonly name: VerifyStepName;
  /** The executable, found on PATH. */
  readonly command: string;
  readonly args: readonly string[];
  /** `command args…` for people: logs, the task graph, the repair prompt. */
  readonly commandLine: string;
}

export interface SkippedStep {
  readonly name: VerifyStepName;
  readonly reason: string;
}

export type Toolchain =
  | {
      readonly detected: true;
      readonly packageManager: PackageManager;
      /** Workspace-relative name of the lockfile used, if any. */
      readonly lockfile: string | undefined;
      /** What to run, in order; may be empty (see `skipped`). */
      readonly steps: readonly VerifyStep[];
      readonly skipped: readonly SkippedStep[];
    }
  | { readonly detected: false; readonly reason: string };

/** package.json cannot be used: not JSON, or fields of the wrong shape. The message names the file. */
export class PackageJsonError extends TakossError {
  constructor(
    readonly file: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super('failed', `${file} ${problem}`, options);
    this.name = 'PackageJsonError';
  }
}

const stringMap = z.record(z.string(), z.string());
// Only the fields verify reads; everything else in package.json is the project's business.
const packageJsonSchema = z.looseObject({
  scripts: stringMap.optional(),
  dependencies: stringMap.optional(),
  devDependencies: stringMap.optional(),
  optionalDependencies: stringMap.optional(),
  peerDependencies: stringMap.optional(),
  packageManager: z.string().optional(),
});
export type PackageJson = z.infer<typeof packageJsonSchema>;

// In order of preference when several are present and package.json's `packageManager` does not decide.
const LOCKFILES: readonly { file: string; manager: PackageManager }[] = [
  { file: 'package-lock.json', manager: 'npm' },
  { file: 'npm-shrinkwrap.json', manager: 'npm' },
  { file: 'pnpm-lock.yaml', manager: 'pnpm' },
  { file: 'yarn.lock', manager: 'yarn' },
];

/** What `npm init` writes: a test script that always fails, meaning "no tests", not "tests fail". */
const NPM_PLACEHOLDER_TEST = /^echo\s+(["'])?Error: no test specified\1?\s*&&\s*exit\s+1$/;

export function isPlaceholderTestScript(script: string): boolean {
  return script.trim() === '' || NPM_PLACEHOLDER_TEST.test(script.trim());
}

/** Bigger than any real package.json; reading more would only cost memory. */
export const MAX_PACKAGE_JSON_BYTES = 1024 * 1024;
// How many wrong-shaped fields the message names; the rest are counted.
const MAX_REPORTED_ISSUES = 5;

export interface ReadPackageJsonOptions {
  /** Checked before reading: an aborted run reads nothing (the signal's reason is thrown). */
  readonly signal?: AbortSignal;
}

/** Reads and validates `<workspaceRoot>/package.json`; undefined when there is none. */
export async function readPackageJson(
  workspaceRoot: string,
  options: ReadPackageJsonOptions = {},
): Promise<PackageJson | undefined> {
  const file = path.join(workspaceRoot, 'package.json');
  const text = await readManifestText(workspaceRoot, file, options.signal);
  if (text === undefined) return undefined;
  let raw: unknown;
  try {
    // A UTF-8 byte-order mark is legal in a file and fatal to JSON.parse; npm strips it too.
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new PackageJsonError(file, `is not valid JSON: ${errorMessage(error)}`, { cause: error });
  }
  const parsed = packageJsonSchema.safeParse(raw);
  if (!parsed.success) {
    const { issues } = parsed.error;
    const problems = issues.slice(0, MAX_REPORTED_ISSUES).map((issue) => {
      const where = issue.path.length > 0 ? `"${clip(issue.path.join('.'))}"` : 'the top level';
      return `${where}: ${clip(issue.message)}`;
    });
    const more = issues.length > MAX_REPORTED_ISSUES ? ` (and ${issues.length - MAX_REPORTED_ISSUES} more)` : '';
    throw new PackageJsonError(file, `has fields of the wrong shape — ${problems.join('; ')}${more}`);
  }
  return parsed.data;
}

function clip(text: string): string {
  return text.length > 120 ? `${text.slice(0, 120)}…` : text;
}

/**
 * The text of package.json, or undefined when there is none. Only a regular file is read (a FIFO
 * or a device would block forever), a symlink only when it leads to a regular file inside the
 * workspace, and at most MAX_PACKAGE_JSON_BYTES.
 */
async function readManifestText(
  workspaceRoot: string,
  file: string,
  signal: AbortSignal | undefined,
): Promise<string | undefined> {
  signal?.throwIfAborted();
  let target = file;
  try {
    const link = await fs.lstat(file);
    if (link.isSymbolicLink()) {
      target = await fs.realpath(file);
      if (!isInside(await fs.realpath(workspaceRoot), target)) {
        throw new PackageJsonError(file, 'is a symbolic link to a file outside the workspace; it is not read');
      }
    }
    const stats = await fs.stat(target);
    if (!stats.isFile()) throw new PackageJsonError(file, 'is not a regular file; it is not read');
    if (stats.size > MAX_PACKAGE_JSON_BYTES) throw tooBig(file);
  } catch (error) {
    if (error instanceof PackageJsonError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new PackageJsonError(file, `cannot be read: ${errorMessage(error)}`, { cause: error });
  }
  signal?.throwIfAborted();
  let handle: fs.FileHandle | undefined;
  try {
    // O_NONBLOCK: should it have been swapped for a FIFO since the check, opening does not block
    // and fstat refuses it; O_NOFOLLOW: nor for a symlink.
    handle = await fs.open(target, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK | fsConstants.O_NOFOLLOW);
    if (!(await handle.stat()).isFile()) throw new PackageJsonError(file, 'is not a regular file; it is not read');
    const buffer = Buffer.alloc(MAX_PACKAGE_JSON_BYTES + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > MAX_PACKAGE_JSON_BYTES) throw tooBig(file);
    return buffer.subarray(0, length).toString('utf8');
  } catch (error) {
    if (error instanceof PackageJsonError) throw error;
    throw new PackageJsonError(file, `cannot be read: ${errorMessage(error)}`, { cause: error });
  } finally {
    await handle?.close();
  }
}

function tooBig(file: string): PackageJsonError {
  return new PackageJsonError(file, `is larger than ${MAX_PACKAGE_JSON_BYTES} bytes (1 MiB); it is not read`);
}

/**
 * Decides the package manager and the steps for the project in `workspaceRoot`. Throws a
 * `PackageJsonError` naming the file when package.json is not valid JSON or has badly shaped fields.
 */
export async function detectToolchain(workspaceRoot: string, options: ReadPackageJsonOptions = {}): Promise<Toolchain> {
  const manifest = await readPackageJson(workspaceRoot, options);
  if (manifest === undefined) {
    return { detected: false, reason: 'no toolchain detected: there is no package.json in the workspace root' };
  }
  const present: (typeof LOCKFILES)[number][] = [];
  for (const candidate of LOCKFILES) {
    if (await isFile(path.join(workspaceRoot, candidate.file))) present.push(candidate);
  }
  // `packageManager: "pnpm@9.1.0"` (corepack's field) settles a tie between several lockfiles.
  const declared = /^(npm|pnpm|yarn)@/.exec(manifest.packageManager ?? '')?.[1];
  const lock = present.find((candidate) => candidate.manager === declared) ?? present[0];
  const packageManager: PackageManager = lock?.manager ?? (declared as PackageManager | undefined) ?? 'npm';
  // Yarn 2+ ("berry"): configured by .yarnrc.yml, or declared as `packageManager: "yarn@2…"` or later.
  const declaredYarnMajor = Number(/^yarn@(\d+)\./.exec(manifest.packageManager ?? '')?.[1] ?? 0);
  const yarnBerry =
    packageManager === 'yarn' && (declaredYarnMajor >= 2 || (await isFile(path.join(workspaceRoot, '.yarnrc.yml'))));

  const steps: VerifyStep[] = [];
  const skipped: SkippedStep[] = [];
  const scripts = manifest.scripts ?? {};
  const hasBuild = scripts.build !== undefined && scripts.build.trim() !== '';
  const hasTest = scripts.test !== undefined && !isPlaceholderTestScript(scripts.test);

  if (!hasBuild && !hasTest) {
    // Installing alone proves little; a chain must not end "verified" on that.
    return {
      detected: false,
      reason: 'no toolchain detected: package.json has neither a build script nor a test script',
    };
  }

  if (hasDependencies(manifest)) {
    steps.push(installStep(packageManager, lock !== undefined, yarnBerry));
  } else {
    skipped.push({ name: 'install', reason: 'package.json declares no dependencies' });
  }
  if (hasBuild) steps.push(scriptStep('build', packageManager));
  else skipped.push({ name: 'build', reason: 'package.json has no build script' });
  if (hasTest) steps.push(scriptStep('test', packageManager));
  else skipped.push({ name: 'test', reason: 'package.json has no test script (or only npm’s placeholder)' });

  return { detected: true, packageManager, lockfile: lock?.file, steps, skipped };
}

function hasDependencies(manifest: PackageJson): boolean {
  const groups = [
    manifest.dependencies,
    manifest.devDependencies,
    manifest.optionalDependencies,
    manifest.peerDependencies,
  ];
  return groups.some((group) => group !== undefined && Object.keys(group).length > 0);
}

/**
 * Lifecycle scripts stay on (no `--ignore-scripts`): the user consented to running the project's
 * code, its dependencies run during build and test anyway, and turning them off breaks packages
 * with native or downloaded parts (esbuild, prisma…) — a false failure that would pay for repairs.
 * With a lockfile the install must match it exactly; a drifting lockfile is a real defect.
 * Without one, pnpm and Yarn 2+ must be told that writing one is fine: under CI=1 (which verify
 * sets) they default to frozen/immutable installs and fail (ERR_PNPM_NO_LOCKFILE, YN0028).
 */
function installStep(manager: PackageManager, locked: boolean, yarnBerry: boolean): VerifyStep {
  switch (manager) {
    case 'npm':
      return step('install', 'npm', locked ? ['ci'] : ['install']);
    case 'pnpm':
      return step('install', 'pnpm', locked ? ['install', '--frozen-lockfile'] : ['install', '--no-frozen-lockfile']);
    case 'yarn':
      if (!locked) return step('install', 'yarn', yarnBerry ? ['install', '--no-immutable'] : ['install']);
      // Yarn 2+ (configured by .yarnrc.yml) calls it --immutable; --frozen-lockfile is Yarn 1's.
      return step('install', 'yarn', ['install', yarnBerry ? '--immutable' : '--frozen-lockfile']);
  }
}

function scriptStep(name: 'build' | 'test', manager: PackageManager): VerifyStep {
  return step(name, manager, ['run', name]);
}

function step(name: VerifyStepName, command: string, args: string[]): VerifyStep {
  return { name, command, args, commandLine: [command, ...args].join(' ') };
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await fs.stat(file)).isFile();
  } catch {
    return false;
  }
}
