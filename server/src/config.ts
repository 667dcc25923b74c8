/**
 * Configuration resolution: an explicit value (VS Code setting or CLI flag) wins over the
 * environment, which wins over the built-in default. Every value is validated here, once,
 * so the rest of the backend can trust `TakossConfig` and errors can name their origin.
 */
import { z } from 'zod';
import { TakossError } from './errors';
import { SETTING_KEYS, type SettingKey } from './protocol';
import { redactUrl } from './redact';

/** Where a configuration value came from; named in errors so the user knows what to fix. */
export type ConfigSource = 'setting' | 'flag' | 'env' | 'default';

const redisUrl = z.string().refine((value) => /^(rediss?|unix):\/\/./.test(value), {
  message: 'must be a URL that starts with redis://, rediss:// or unix:// (a socket path)',
});
const databaseUrl = z.string().refine((value) => /^postgres(ql)?:\/\/./.test(value), {
  message: 'must be a URL that starts with postgresql:// or postgres://',
});
const intIn = (min: number, max: number) =>
  z.coerce
    .number()
    .int({ message: `must be a whole number from ${min} to ${max}` })
    .min(min, { message: `must be a whole number from ${min} to ${max}` })
    .max(max, { message: `must be a whole number from ${min} to ${max}` });

export const VERIFY_MODES = ['ask', 'always', 'never'] as const;
export type VerifyMode = (typeof VERIFY_MODES)[number];

/**
 * The user-facing settings. Keys match `takoss.<key>` in package.json; the manifest test
 * checks that defaults and bounds agree with the `contributes.configuration` there.
 */
export const settingSchemas = {
  /** @defaultValue `redis://127.0.0.1:6379` (docker-compose.yml) */
  redisUrl,
  /** @defaultValue `postgresql://takoss:takoss@127.0.0.1:5432/takoss` (docker-compose.yml) */
  databaseUrl,
  /** @defaultValue `claude-sonnet-5-5` */
  model: z
    .string()
    .trim()
    .min(1, { message: 'must name a Claude model, e.g. claude-sonnet-5-5' })
    .max(100, { message: 'is longer than any model name (100 characters at most)' }),
  /** @defaultValue 4 */
  concurrency: intIn(1, 64),
  /** @defaultValue 3600 (one hour) */
  contextTtlSeconds: intIn(60, 604_800),
  /** @defaultValue 40 */
  maxTasks: intIn(1, 200),
  /**
   * Whether a build ends by running the project's install, build and test: `ask` before the
   * first run of a chain, `always`, or `never` (no verify tasks are planned). @defaultValue `ask`
   */
  verify: z.enum(VERIFY_MODES, { message: `must be one of ${VERIFY_MODES.join(', ')}` }),
  /** Repair rounds after a failed verify. @defaultValue 2 */
  maxRepairs: intIn(0, 5),
} as const satisfies { readonly [K in SettingKey]: z.ZodType };

export type TakossConfig = { readonly [K in SettingKey]: z.output<(typeof settingSchemas)[K]> };

export { SETTING_KEYS, type SettingKey };

export const DEFAULT_CONFIG: TakossConfig = {
  redisUrl: 'redis://127.0.0.1:6379',
  databaseUrl: 'postgresql://takoss:takoss@127.0.0.1:5432/takoss',
  model: 'claude-sonnet-5-5',
  concurrency: 4,
  contextTtlSeconds: 3600,
  maxTasks: 40,
  verify: 'ask',
  maxRepairs: 2,
};

/** Environment variables that feed a setting (DESIGN.md §3.2). */
export const ENV_FOR_SETTING: Partial<Record<SettingKey, string>> = {
  redisUrl: 'REDIS_URL',
  databaseUrl: 'DATABASE_URL',
  model: 'TAKOSS_MODEL',
};

/** The CLI flag for each setting that has one. */
export const FLAG_FOR_SETTING: Partial<Record<SettingKey, string>> = {
  concurrency: '--concurrency',
  model: '--model',
  verify: '--verify',
  maxRepairs: '--max-repairs',
};

export interface ResolvedConfig {
  readonly config: TakossConfig;
  readonly sources: { readonly [K in SettingKey]: ConfigSource };
}

export interface ConfigInput {
  /** Values the user set explicitly, as VS Code settings or CLI flags. Unknown keys are ignored. */
  readonly explicit?: Readonly<Record<string, unknown>>;
  /** What `explicit` is, for error messages. */
  readonly explicitSource?: 'setting' | 'flag';
  readonly env?: NodeJS.ProcessEnv;
}

export class ConfigError extends TakossError {
  constructor(
    readonly key: SettingKey,
    readonly source: ConfigSource,
    message: string,
  ) {
    super('usage', message);
    this.name = 'ConfigError';
  }
}

/** Resolves every setting: explicit value, then environment, then default. */
export function resolveConfig(input: ConfigInput = {}): ResolvedConfig {
  const explicit = input.explicit ?? {};
  const explicitSource = input.explicitSource ?? 'setting';
  const env = input.env ?? {};
  const config: Record<string, unknown> = {};
  const sources: Record<string, ConfigSource> = {};

  for (const key of SETTING_KEYS) {
    const envName = ENV_FOR_SETTING[key];
    const envValue = envName === undefined ? undefined : env[envName];
    let raw: unknown = DEFAULT_CONFIG[key];
    let source: ConfigSource = 'default';
    if (explicit[key] !== undefined && explicit[key] !== null) {
      raw = explicit[key];
      source = explicitSource;
    } else if (envValue !== undefined && envValue !== '') {
      raw = envValue;
      source = 'env';
    }
    const parsed = settingSchemas[key].safeParse(raw);
    if (!parsed.success) {
      const reason = parsed.error.issues[0]?.message ?? 'is not valid';
      throw new ConfigError(key, source, describeInvalidValue(key, source, raw, reason));
    }
    config[key] = parsed.data;
    sources[key] = source;
  }
  return { config: config as TakossConfig, sources: sources as ResolvedConfig['sources'] };
}

/** Names the value as the user wrote it, so the message points at the place to fix. */
export function describeSettingOrigin(key: SettingKey, source: ConfigSource): string {
  switch (source) {
    case 'setting':
      return `setting takoss.${key}`;
    case 'flag':
      return `flag ${FLAG_FOR_SETTING[key] ?? `--${key}`}`;
    case 'env':
      return `environment variable ${ENV_FOR_SETTING[key] ?? key}`;
    case 'default':
      return `default for takoss.${key}`;
  }
}

function describeInvalidValue(key: SettingKey, source: ConfigSource, raw: unknown, reason: string) {
  const shown = key === 'databaseUrl' || key === 'redisUrl' ? redactUrl(String(raw)) : String(raw);
  const fix =
    source === 'setting'
      ? `Fix it in Settings › Extensions › Takoss.`
      : source === 'flag'
        ? `Pass a valid value.`
        : `Fix or unset the variable.`;
  return `Invalid ${describeSettingOrigin(key, source)} = ${JSON.stringify(shown)}: it ${reason}. ${fix}`;
}
