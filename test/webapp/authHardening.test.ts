import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kale, startKale } from '../support/kaleCli.js';

const TOKEN = 'hardening-0123456789abcdef';

/** `webapp` config in a fresh directory, for the real `kale webapp` command. */
function configWith(webapp: object): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-auth-'));
  const cfg = path.join(dir, 'kale.config.json');
  fs.writeFileSync(cfg, JSON.stringify({ dataDir: dir, webapp: { port: 0, ...webapp } }));
  return cfg;
}

describe('webapp credentials', () => {
  it('a cookie that is not percent-encoding is no token: 401, not a 500 with a stack trace', async () => {
    const k = await startKale(['webapp', '--config', configWith({ host: '0.0.0.0', token: TOKEN })]);
    try {
      const base = String(k.ready.webapp).replace('0.0.0.0', '127.0.0.1');
      for (const cookie of ['kale_token=%', 'kale_token=%E0%A4%A', 'other=%; kale_token=%zz']) {
        const r = await fetch(`${base}/api/status`, { headers: { cookie } });
        expect(r.status, cookie).toBe(401);
        expect((await r.json()).error).toContain('authentication required');
      }
      expect(
        (
          await fetch(`${base}/api/status`, {
            headers: { cookie: `kale_token=${encodeURIComponent(TOKEN)}` },
          })
        ).status,
      ).toBe(200);
      expect(k.stderr()).not.toMatch(/URIError|\n\s+at /);
    } finally {
      await k.stop();
    }
  });

  it.each([
    ['one character', 'x'],
    ['a space', ' '],
    ['fifteen characters', 'a'.repeat(15)],
    ['whitespace inside', 'abcdefgh ijklmnopq'],
  ])('a token of %s is refused off loopback, naming the key, with exit 2', (_what, token) => {
    const r = kale(['webapp', '--config', configWith({ host: '0.0.0.0', token })]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(
      /^kale: webapp\.token \(or KALE_WEBAPP_TOKEN\): off loopback \(webapp\.host 0\.0\.0\.0\) it must be at least 16 characters with no whitespace/,
    );
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a short token still serves on loopback, where nobody else can guess', async () => {
    const k = await startKale(['webapp', '--config', configWith({ host: '127.0.0.1', token: 'x' })]);
    try {
      expect(
        (await fetch(`${k.ready.webapp}/api/status`, { headers: { authorization: 'Bearer x' } })).status,
      ).toBe(200);
    } finally {
      await k.stop();
    }
  });
});
