import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { configSchema, type KaleConfig } from './schema.js';
import { ConfigError } from './configError.js';

export { ConfigError };

type Plain = Record<string, unknown>;

const isPlain = (v: unknown): v is Plain =>
  typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;

/** Later sources win; objects merge key by key, everything else (arrays, RegExps, functions) is replaced. */
export function mergeConfig(base: Plain, over: Plain): Plain {
  const out: Plain = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    out[k] = isPlain(v) && isPlain(out[k]) ? mergeConfig(out[k] as Plain, v) : v;
  }
  return out;
}

const CONFIG_NAMES = ['kale.config.ts', 'kale.config.js', 'kale.config.json'];

export function findDefaultConfig(cwd: string): string | undefined {
  return CONFIG_NAMES.map((n) => path.join(cwd, n)).find((p) => fs.existsSync(p));
}

async function readConfigFile(file: string): Promise<Plain> {
  if (!fs.existsSync(file)) throw new ConfigError(`config file not found: ${file}`);
  if (file.endsWith('.json')) {
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8')) as Plain;
    } catch (err) {
      throw new ConfigError(`config file ${file} is not valid JSON: ${(err as Error).message}`);
    }
  }
  const url = pathToFileURL(path.resolve(file)).href;
  const mod = file.endsWith('.ts')
    ? await (await import('tsx/esm/api')).tsImport(url, import.meta.url)
    : await import(url);
  // A .ts file outside an ESM package is loaded as CommonJS, which nests the export one level deeper.
  let value = (mod as { default?: unknown }).default ?? mod;
  if (isPlain(value) && Object.keys(value).length === 1 && isPlain(value.default)) value = value.default;
  if (!isPlain(value)) throw new ConfigError(`config file ${file} must export an object as default`);
  return value;
}

function port(v: string | undefined): number | 'off' | undefined {
  if (v === undefined || v === '') return undefined;
  return v === 'off' ? 'off' : Number(v);
}

/** Environment overrides. Values are validated with everything else. */
export function envOverrides(env: NodeJS.ProcessEnv): Plain {
  return {
    redis: { url: env.REDIS_URL || undefined },
    elasticsearch: { url: env.ELASTICSEARCH_URL || undefined },
    dataDir: env.KALE_DATA_DIR || undefined,
    logLevel: env.KALE_LOG_LEVEL || undefined,
    host: env.KALE_HOST || undefined,
    horizon: {
      picklePort: port(env.KALE_PICKLE_PORT),
      udpPort: port(env.KALE_UDP_PORT),
      linePort: port(env.KALE_LINE_PORT),
    },
    webapp: { port: port(env.KALE_WEBAPP_PORT), token: env.KALE_WEBAPP_TOKEN || undefined },
  };
}

export interface LoadOptions {
  /** Files given with --config, in order; when empty, kale.config.{ts,js,json} in `cwd` is used if present. */
  files?: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** Command-line flags, already shaped like the config; they win over everything. */
  overrides?: Plain;
  cwd?: string;
}

export async function loadConfig(opts: LoadOptions = {}): Promise<KaleConfig> {
  const cwd = opts.cwd ?? process.cwd();
  const files = opts.files?.length ? opts.files : [findDefaultConfig(cwd)].filter((f): f is string => !!f);
  let merged: Plain = {};
  for (const f of files) merged = mergeConfig(merged, await readConfigFile(path.resolve(cwd, f)));
  merged = mergeConfig(merged, envOverrides(opts.env ?? process.env));
  merged = mergeConfig(merged, opts.overrides ?? {});
  return validateConfig(merged, files);
}

export function validateConfig(raw: unknown, sources: readonly string[] = []): KaleConfig {
  const result = configSchema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const key = issue.path.length ? issue.path.join('.') : '(root)';
  const what =
    issue.code === 'unrecognized_keys'
      ? `unknown key ${issue.keys.map((k) => (key === '(root)' ? k : `${key}.${k}`)).join(', ')}`
      : `${key}: ${issue.message}`;
  const from = sources.length ? ` (from ${sources.join(', ')} and environment)` : '';
  throw new ConfigError(`invalid config: ${what}${from}`);
}
