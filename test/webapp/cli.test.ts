import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kale, startKale } from '../support/kaleCli.js';

describe('kale webapp', () => {
  it('serves the API alone and prints its URL on the ready line', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-webapp-cli-'));
    const k = await startKale(['webapp', '--data-dir', dir, '--webapp-port', '0']);
    expect(Object.keys(k.ready)).toEqual(['webapp']);
    expect(String(k.ready.webapp)).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${k.ready.webapp}/api/status`)).status).toBe(200);
    expect(await k.stop()).toBe(0);
  });

  it('refuses to serve off loopback without credentials, in one line with exit code 2', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-webapp-cli-'));
    const r = kale(['webapp', '--data-dir', dir, '--webapp-port', '0', '--host', '0.0.0.0']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      'kale: webapp.host 0.0.0.0 is not loopback: set webapp.token or webapp.basicAuth in the config, or bind 127.0.0.1\n',
    );
  });

  it('applies new credentials on SIGHUP, and refuses a reload that would drop them off loopback', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-webapp-cli-'));
    const cfg = path.join(dir, 'kale.config.json');
    const write = (webapp: object) =>
      fs.writeFileSync(
        cfg,
        JSON.stringify({ dataDir: dir, webapp: { port: 0, host: '0.0.0.0', ...webapp } }),
      );
    write({ token: 'first-0123456789abcdef' });
    const k = await startKale(['webapp', '--config', cfg]);
    const base = String(k.ready.webapp).replace('0.0.0.0', '127.0.0.1');
    const status = async (token: string) =>
      (await fetch(`${base}/api/status`, { headers: { authorization: `Bearer ${token}` } })).status;
    const reloaded = async (text: string) => {
      const before = k.stderr().split(text).length;
      k.child.kill('SIGHUP');
      for (let i = 0; i < 100 && k.stderr().split(text).length === before; i++)
        await new Promise((r) => setTimeout(r, 50));
      return k.stderr();
    };
    try {
      expect(await status('first-0123456789abcdef')).toBe(200);
      write({ token: 'second-0123456789abcdef' });
      await reloaded('configuration reloaded');
      expect(await status('first-0123456789abcdef')).toBe(401);
      expect(await status('second-0123456789abcdef')).toBe(200);
      write({});
      expect(await reloaded('reload failed')).toContain('webapp.host 0.0.0.0 is not loopback');
      expect(await status('second-0123456789abcdef')).toBe(200);
      expect((await fetch(`${base}/api/status`)).status).toBe(401);
    } finally {
      await k.stop();
    }
  });

  it('names the flag when the port is taken', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-webapp-cli-'));
    const first = await startKale(['webapp', '--data-dir', dir, '--webapp-port', '0']);
    const port = new URL(String(first.ready.webapp)).port;
    const r = kale([
      'webapp',
      '--data-dir',
      fs.mkdtempSync(path.join(os.tmpdir(), 'kale-webapp-cli-')),
      '--webapp-port',
      port,
    ]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`port ${port} is already in use: choose another with --webapp-port`);
    await first.stop();
  });
});
