import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startKale } from '../support/kaleCli.js';

const UNITS = path.resolve('deploy/systemd');
const CONFIG = '/etc/kale/kale.config.json';

/** The unit's ExecStart as `kale` arguments, instance 1 for a template. */
function execStart(unit: string): string[] {
  const text = fs.readFileSync(path.join(UNITS, unit), 'utf8');
  const line = /^ExecStart=(.*)$/m.exec(text);
  if (!line) throw new Error(`${unit}: no ExecStart`);
  const [bin, ...args] = line[1].replaceAll('%i', '1').split(/\s+/);
  expect(bin).toBe('/usr/bin/kale');
  return args;
}

describe('the systemd unit examples (deploy/systemd)', () => {
  const units = fs.readdirSync(UNITS).filter((f) => f.endsWith('.service'));

  it('cover every service and the one-process default', () => {
    expect(units.map((u) => execStart(u)[0]).sort()).toEqual([
      'analyzer',
      'horizon',
      'oculus',
      'start',
      'webapp',
    ]);
  });

  // Each unit's own command line, with a test config in place of /etc/kale's (embedded store in a
  // fresh directory, every port ephemeral): it must start and stop cleanly on SIGTERM, as systemd stops it.
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
      const args = execStart(unit).map((a) => (a === CONFIG ? config : a));
      // Fixed Prometheus ports in the examples; any free one here.
      const metricsPort = args.indexOf('--metrics-port');
      if (metricsPort >= 0) args[metricsPort + 1] = '0';
      const running = await startKale(args, { timeoutMs: 60_000 });
      expect(await running.stop()).toBe(0);
    }, 90_000);
  }
});
