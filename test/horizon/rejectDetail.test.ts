import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startKale } from '../support/kaleCli.js';

describe('rejected points in the log', () => {
  it("name the metric and the value: collectd's nan rate, a timestamp out of range", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-reject-'));
    const k = await startKale([
      'start',
      '--data-dir',
      dir,
      '--pickle-port',
      'off',
      '--udp-port',
      'off',
      '--line-port',
      '0',
      '--webapp-port',
      'off',
    ]);
    try {
      const now = Math.floor(Date.now() / 1000);
      await new Promise<void>((resolve, reject) => {
        const s = net.connect(Number(k.ready.line), '127.0.0.1', () =>
          s.end(`collectd.if_octets.rx nan ${now}\nweb.old 1 12345\n`),
        );
        s.on('close', () => resolve()).on('error', reject);
      });
      for (let i = 0; i < 100 && !k.stderr().includes('web.old'); i++)
        await new Promise((r) => setTimeout(r, 50));
      const log = k.stderr();
      expect(log).toMatch(
        /rejected input \(value\) from 127\.0\.0\.1:\d+: bad value "nan" for "collectd\.if_octets\.rx"/,
      );
      expect(log).toMatch(/bad timestamp "12345" for "web\.old"/);
    } finally {
      await k.stop();
    }
  });
});
