import { type Command, Option } from 'commander';
import { ConfigError } from './config/configError.js';
import type { KaleConfig } from './config/schema.js';
import { createLogger, setLogLevel, type Logger } from './log.js';
import { RedisUnreachableError } from './store/redisUrl.js';
import type { Store } from './store/store.js';
import { TimeParseError } from './time.js';

/** Bad flags or arguments: one line on stderr, exit 2. */
export class UsageError extends Error {}

/** A runtime failure whose message says all there is to say (no stack trace): one line, exit 1. */
export class CommandFailure extends Error {}

export interface GlobalOptions {
  config?: string[];
  redis?: string;
  dataDir?: string;
  elasticsearch?: string;
  logLevel?: string;
  host?: string;
  picklePort?: string;
  udpPort?: string;
  linePort?: string;
  remoteWritePort?: string;
  metricsPort?: string;
  webappPort?: string;
  shutdownTimeout?: string;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** Adds the flags every command takes (config files, Redis, Elasticsearch, data dir, log level) to a command. */
export function withGlobalOptions(cmd: Command): Command {
  return cmd
    .option('--config <file>', 'config file (repeatable; later files override earlier ones)', collect)
    .option('--redis <url>', 'Redis URL (or REDIS_URL); absent = embedded store')
    .option('--data-dir <dir>', 'embedded store directory (or KALE_DATA_DIR)')
    .option(
      '--elasticsearch <urls>',
      "Elasticsearch URL, or a cluster's node URLs separated by commas (or ELASTICSEARCH_URL); absent = embedded shape index",
    )
    .addOption(
      new Option('--log-level <level>', 'log level').choices(['debug', 'info', 'warn', 'error', 'silent']),
    );
}

/** Adds the listener and bind flags used by `start` and the service commands. */
export function withPortOptions(
  cmd: Command,
  which: Array<'pickle' | 'udp' | 'line' | 'remoteWrite' | 'webapp'>,
): Command {
  cmd.option('--host <addr>', 'address the listeners bind to (default 127.0.0.1)');
  if (which.includes('pickle'))
    cmd.option('--pickle-port <port>', "pickle TCP/UDP port (0 = ephemeral, 'off' = closed)");
  if (which.includes('udp'))
    cmd.option('--udp-port <port>', "msgpack UDP port (0 = ephemeral, 'off' = closed)");
  if (which.includes('line'))
    cmd.option('--line-port <port>', "plaintext TCP port (0 = ephemeral, 'off' = closed)");
  if (which.includes('remoteWrite'))
    cmd.option(
      '--remote-write-port <port>',
      "Prometheus remote_write HTTP port (0 = ephemeral, 'off' = closed, the default)",
    );
  if (which.includes('webapp'))
    cmd.option('--webapp-port <port>', "webapp HTTP port (0 = ephemeral, 'off' = closed)");
  cmd.option(
    '--shutdown-timeout <seconds>',
    'longest SIGTERM waits for a flush before exiting anyway (default 10)',
  );
  return cmd;
}

/** For a service command (`kale horizon`, `kale analyzer`, …): its own GET /metrics listener. */
export function withMetricsPortOption(cmd: Command): Command {
  return cmd.option(
    '--metrics-port <port>',
    "GET /metrics for Prometheus on its own port (0 = ephemeral, 'off' = closed, the default)",
  );
}

function portFlag(flag: string, v: string | undefined): number | 'off' | undefined {
  if (v === undefined) return undefined;
  if (v === 'off') return 'off';
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new UsageError(`--${flag}: expected a port number 0-65535 or 'off', got "${v}"`);
  return n;
}

function secondsFlag(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!(n > 0 && Number.isFinite(n)))
    throw new UsageError(`--${flag}: expected a number of seconds above 0, got "${v}"`);
  return n;
}

/** Loads the config from files, environment and the global flags, in that order of precedence. */
export async function configFromOptions(
  opts: GlobalOptions,
  extra: Record<string, unknown> = {},
): Promise<KaleConfig> {
  const overrides: Record<string, unknown> = {
    redis: { url: opts.redis },
    dataDir: opts.dataDir,
    elasticsearch: { url: opts.elasticsearch },
    logLevel: opts.logLevel,
    host: opts.host,
    horizon: {
      picklePort: portFlag('pickle-port', opts.picklePort),
      udpPort: portFlag('udp-port', opts.udpPort),
      linePort: portFlag('line-port', opts.linePort),
      remoteWritePort: portFlag('remote-write-port', opts.remoteWritePort),
    },
    metrics: { port: portFlag('metrics-port', opts.metricsPort) },
    webapp: { port: portFlag('webapp-port', opts.webappPort), host: opts.host },
    shutdownTimeout: secondsFlag('shutdown-timeout', opts.shutdownTimeout),
    ...extra,
  };
  // zod and the config loader load only when a command runs, not for --help.
  const { loadConfig } = await import('./config/load.js');
  const config = await loadConfig({ files: opts.config, overrides });
  setLogLevel(config.logLevel);
  return config;
}

export interface CommandContext {
  config: KaleConfig;
  log: Logger;
  /** Opened on first use; closed when the action ends. */
  store(): Store;
}

/**
 * Wraps a command action: loads the config, maps errors to exit codes (2 for usage and config, 1 for
 * runtime failures) and closes the store afterwards.
 */
export function action<A extends unknown[]>(
  run: (ctx: CommandContext, ...args: A) => Promise<void>,
  extraConfig?: (...args: A) => Record<string, unknown>,
) {
  return async (...args: A) => {
    const cmd = args[args.length - 1] as Command;
    let store: Store | undefined;
    try {
      const config = await configFromOptions(cmd.optsWithGlobals() as GlobalOptions, extraConfig?.(...args));
      // Loaded here, not at the top: `kale --help` should not pay for ioredis and msgpackr.
      const { openStore } = await import('./store/openStore.js');
      const ctx: CommandContext = {
        config,
        log: createLogger(`kale.${cmd.name()}`),
        store: () => {
          if (!store) {
            store = openStore(config);
            // A Redis that never answers ends the command with one line, not a silent wait.
            store.firstConnection.catch(fail);
          }
          return store;
        },
      };
      await run(ctx, ...args);
    } catch (err) {
      fail(err);
    } finally {
      await store?.close().catch(() => {});
    }
  };
}

export function fail(err: unknown): never {
  if (err instanceof ConfigError || err instanceof UsageError || err instanceof TimeParseError) {
    process.stderr.write(`kale: ${err.message}\n`);
    process.exit(2);
  }
  if (err instanceof RedisUnreachableError || err instanceof CommandFailure) {
    process.stderr.write(`kale: ${err.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`kale: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
}
