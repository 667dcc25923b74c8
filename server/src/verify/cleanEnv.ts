/**
 * The environment verify runs project code in: built from an allowlist, never from a copy of
 * ours. The backend holds the Anthropic key and the Redis and PostgreSQL URLs in its environment;
 * the generated project's install scripts and tests must not see any of them.
 */
import { TakossError } from '../errors';

export interface VerifyEnvOptions {
  /** Where PATH, HOME and LANG are read from. @defaultValue process.env */
  readonly from?: NodeJS.ProcessEnv;
  /** The per-run temporary folder (TMPDIR). */
  readonly tmpDir: string;
  /** Added last, e.g. a proxy the user configured for verify; Takoss's own secrets are refused. */
  readonly extra?: Readonly<Record<string, string>>;
  /** @defaultValue process.platform */
  readonly platform?: NodeJS.Platform;
}

/**
 * Variables that carry Takoss's credentials or settings. Nothing of the parent is copied beyond
 * the allowlist anyway; this list guards `extra`, so a setting cannot smuggle them back in.
 */
const NEVER_PASSED = /^(ANTHROPIC_|CLAUDE_|TAKOSS_|REDIS_|DATABASE_URL$|PG[A-Z]+$|NODE_OPTIONS$|NODE_ENV$)/i;

// Windows cannot start processes or find npm's folders without these; none is a secret.
const WINDOWS_SYSTEM = ['SystemRoot', 'windir', 'ComSpec', 'PATHEXT', 'USERPROFILE', 'APPDATA', 'LOCALAPPDATA'];

export function isNeverPassed(name: string): boolean {
  return NEVER_PASSED.test(name);
}

/**
 * HOME is the user's real one: an environment variable is no sandbox (the process can read any
 * file the user can), while the real HOME keeps npm's cache (fast, works offline) and the user's
 * .npmrc (private registry, proxy) — installs behave as in the user's own terminal.
 * NODE_ENV stays unset: `production` would make npm skip devDependencies, and the test runner
 * is usually one. NODE_OPTIONS stays unset: ours (e.g. `--import tsx`) is not the project's.
 */
export function buildVerifyEnv(options: VerifyEnvOptions): NodeJS.ProcessEnv {
  const from = options.from ?? process.env;
  const platform = options.platform ?? process.platform;
  const env: NodeJS.ProcessEnv = {};
  const copy = (name: string): void => {
    const value = from[name];
    if (value !== undefined && value !== '') env[name] = value;
  };
  copy('PATH');
  if (platform === 'win32') {
    // Windows spells it Path and looks it up case-insensitively; Node's env object is too.
    if (env.PATH === undefined) copy('Path');
    WINDOWS_SYSTEM.forEach(copy);
  }
  if (env.PATH !== undefined) env.PATH = withoutParentBins(env.PATH, platform);
  copy('HOME');
  env.LANG = from.LANG ?? 'C.UTF-8';
  env.TMPDIR = options.tmpDir;
  if (platform === 'win32') {
    env.TEMP = options.tmpDir;
    env.TMP = options.tmpDir;
  }
  // Non-interactive runners: no watch mode (jest, vitest), no prompts, no spinners.
  env.CI = '1';
  // Plain text in the captured output: colours only cost bytes of the repair prompt.
  env.NO_COLOR = '1';
  env.FORCE_COLOR = '0';
  // npm without its network side trips: no update check, no audit, no funding notice; prefer
  // the cache so an install of already-seen packages works without the network.
  env.npm_config_update_notifier = 'false';
  env.npm_config_audit = 'false';
  env.npm_config_fund = 'false';
  env.npm_config_prefer_offline = 'true';
  // A pnpm or yarn shim from corepack would otherwise ask on stdin (nobody answers) before downloading.
  env.COREPACK_ENABLE_DOWNLOAD_PROMPT = '0';
  for (const [name, value] of Object.entries(options.extra ?? {})) {
    if (isNeverPassed(name)) {
      throw new TakossError(
        'usage',
        `verify never passes ${name} to project code; remove it from the extra environment`,
      );
    }
    env[name] = value;
  }
  return env;
}

// What npm/npx put on PATH for *our* scripts: Takoss's own node_modules/.bin and npm's helpers.
const PARENT_BIN = /[\\/]node_modules[\\/]\.bin[\\/]?$|[\\/]node-gyp-bin[\\/]?$/;

/**
 * PATH without the parent's package bins: run from `npm run` or npx, the backend's PATH holds
 * Takoss's node_modules/.bin, and a project that forgot a devDependency (tsc, mocha) would pass
 * verify by borrowing ours. npm adds the project's own .bin when it runs a script.
 */
export function withoutParentBins(searchPath: string, platform: NodeJS.Platform = process.platform): string {
  const separator = platform === 'win32' ? ';' : ':';
  return searchPath
    .split(separator)
    .filter((entry) => entry !== '' && !PARENT_BIN.test(entry))
    .join(separator);
}
