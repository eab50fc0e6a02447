import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startKale } from '../support/kaleCli.js';

const UNITS = path.resolve('deploy/systemd');
const CONFIG = '/etc/kale/kale.config.json';
/** The instance each template is started as here: the first of the names its comments document. */
const INSTANCE: Record<string, string> = {
  'kale-analyzer@.service': '1',
  'kale-analyzer-shard@.service': '00',
};

interface Unit {
  /** ExecStart as `kale` arguments, with %i and ${VAR} expanded as systemd does. */
  args: string[];
  /** Its Environment= lines. */
  env: Record<string, string>;
  /** The folder StateDirectory= gives it (/var/lib/NAME), if any. */
  stateDir?: string;
}

function readUnit(unit: string): Unit {
  const text = fs.readFileSync(path.join(UNITS, unit), 'utf8');
  const env = Object.fromEntries([...text.matchAll(/^Environment=(\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
  const state = /^StateDirectory=(.*)$/m.exec(text);
  const line = /^ExecStart=(.*)$/m.exec(text);
  if (!line) throw new Error(`${unit}: no ExecStart`);
  const expanded = line[1]
    .replaceAll('%i', INSTANCE[unit] ?? '')
    .replace(/\$\{(\w+)\}/g, (_, name: string) => {
      if (!(name in env)) throw new Error(`${unit}: ExecStart uses \${${name}}, which no Environment= sets`);
      return env[name];
    });
  const [bin, ...args] = expanded.split(/\s+/);
  expect(bin).toBe('/usr/bin/kale');
  return { args, env, stateDir: state ? `/var/lib/${state[1]}` : undefined };
}

describe('the systemd unit examples (deploy/systemd)', () => {
  const units = fs.readdirSync(UNITS).filter((f) => f.endsWith('.service'));

  it('cover every service, group members and static shards, and the one-process default', () => {
    expect(units.map((u) => readUnit(u).args[0]).sort()).toEqual([
      'analyzer',
      'analyzer',
      'horizon',
      'oculus',
      'start',
      'webapp',
    ]);
    expect(units.filter((u) => u.includes('@')).sort()).toEqual(Object.keys(INSTANCE).sort());
  });

  it('give each instance an unprivileged --metrics-port', () => {
    for (const unit of units) {
      const { args } = readUnit(unit);
      const at = args.indexOf('--metrics-port');
      if (at < 0) continue;
      const port = Number(args[at + 1]);
      const unprivileged = Number.isInteger(port) && port >= 1024 && port <= 65535;
      expect(unprivileged, `${unit}: port ${args[at + 1]}`).toBe(true);
    }
  });

  // Oculus writes its embedded index under dataDir even with Redis, and the webapp reads it there;
  // dataDir's default is relative, and a system unit's working directory is /, not the kale user's.
  it('point dataDir at their own StateDirectory where the service keeps files (oculus, webapp, start)', () => {
    for (const unit of units) {
      const { args, env, stateDir } = readUnit(unit);
      if (!['oculus', 'webapp', 'start'].includes(args[0])) continue;
      expect(stateDir, unit).toBeDefined();
      expect(env.KALE_DATA_DIR, unit).toBe(stateDir);
    }
  });

  // Per-thread arenas hold what one thread frees away from the others: the soak's RSS swings less
  // with two (docs/benchmarks.md). The variable only counts when set before the process starts.
  it('hold glibc to two malloc arenas, as npm start does', () => {
    for (const unit of units) expect(readUnit(unit).env.MALLOC_ARENA_MAX, unit).toBe('2');
    const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toMatch(/^MALLOC_ARENA_MAX=\$\{MALLOC_ARENA_MAX:-2\} node /);
  });

  // Each unit's own command line and environment, with a test config in place of /etc/kale's
  // (embedded store, every port ephemeral) and its StateDirectory in a fresh directory: it must start
  // and stop cleanly on SIGTERM, as systemd stops it.
  for (const unit of units) {
    it(`${unit}: its ExecStart starts the service and SIGTERM stops it with exit 0`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-unit-'));
      const config = path.join(dir, 'kale.config.json');
      fs.writeFileSync(
        config,
        JSON.stringify({
          dataDir: dir,
          horizon: { picklePort: 0, udpPort: 0, linePort: 0 },
          webapp: { port: 0 },
        }),
      );
      const { args: unitArgs, env, stateDir } = readUnit(unit);
      const args = unitArgs.map((a) => (a === CONFIG ? config : a));
      // Fixed Prometheus ports in the examples; any free one here.
      const metricsPort = args.indexOf('--metrics-port');
      if (metricsPort >= 0) args[metricsPort + 1] = '0';
      const unitEnv = Object.fromEntries(
        Object.entries(env).map(([k, v]) => [k, stateDir && v === stateDir ? dir : v]),
      );
      const running = await startKale(args, { env: unitEnv, timeoutMs: 60_000 });
      expect(await running.stop()).toBe(0);
      fs.rmSync(dir, { recursive: true, force: true });
    }, 90_000);
  }
});
