import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { framePickle } from '../../utils/senders/pickle.js';
import { startKale, type RunningKale } from '../support/kaleCli.js';

const MAX_CONNECTIONS = 20;
const MAX_PENDING = 200_000;

/**
 * Hostile pickle connections against a real `kale start` with small bounds: too many connections,
 * unfinished frames of 100 kB each, then a byte now and then to keep them "active".
 */
describe('bounded pickle connections', () => {
  let k: RunningKale;
  const open: net.Socket[] = [];
  const status = async () =>
    (await (await fetch(`${k.ready.webapp}/api/status`)).json()).services.horizon ?? {};
  const until = async (
    test: (h: Record<string, number>) => boolean,
    seen: Array<Record<string, number>> = [],
  ) => {
    for (let i = 0; i < 300; i++) {
      const h = await status();
      seen.push(h);
      if (test(h)) return h;
      await new Promise((r) => setTimeout(r, 100));
    }
    return status();
  };
  const connect = async () => {
    const s = net.connect(Number(k.ready.pickle), '127.0.0.1');
    s.on('error', () => {});
    await new Promise((r) => s.once('connect', r));
    open.push(s);
    return s;
  };

  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-bounds-'));
    const cfg = path.join(dir, 'kale.config.json');
    fs.writeFileSync(
      cfg,
      JSON.stringify({
        dataDir: dir,
        webapp: { port: 0 },
        horizon: {
          picklePort: 0,
          udpPort: 'off',
          linePort: 'off',
          maxConnections: MAX_CONNECTIONS,
          maxPendingBytes: MAX_PENDING,
          partialFrameTimeout: 2,
          selfMetricsInterval: 1,
        },
      }),
    );
    k = await startKale(['start', '--config', cfg]);
  });
  afterAll(async () => {
    for (const s of open) s.destroy();
    await k?.stop();
  });

  it('refuses connections over the cap, closes frames over the byte budget and frames that trickle, and keeps serving', async () => {
    const now = Math.floor(Date.now() / 1000);
    const first: net.Socket[] = [];
    for (let i = 0; i < MAX_CONNECTIONS; i++) first.push(await connect());
    // One whole frame on each: once all are read, every slot is taken.
    for (const [i, s] of first.entries()) s.write(framePickle([{ name: `bounds.c${i}`, ts: now, value: i }]));
    expect((await until((h) => h.received >= MAX_CONNECTIONS)).received).toBe(MAX_CONNECTIONS);

    const extra: net.Socket[] = [];
    for (let i = 0; i < 10; i++) extra.push(await connect());
    expect((await until((h) => h['rejected.overload'] >= 10))['rejected.overload']).toBe(10);
    await Promise.all(extra.map((s) => (s.destroyed ? undefined : new Promise((r) => s.once('close', r)))));

    // Unfinished frames of 100 kB, 60 kB of each sent: the budget holds three at most.
    const header = Buffer.alloc(4);
    header.writeUInt32BE(100_000);
    for (const s of first) s.write(Buffer.concat([header, Buffer.alloc(60_000, 0x61)]));
    const seen: Array<Record<string, number>> = [];
    const afterBudget = await until((h) => h['rejected.overload'] >= 10 + MAX_CONNECTIONS - 3, seen);
    expect(afterBudget['rejected.overload']).toBeGreaterThanOrEqual(10 + MAX_CONNECTIONS - 3);

    // A byte now and then does not keep a frame open past partialFrameTimeout from its first byte.
    const trickle = setInterval(() => {
      for (const s of first) if (!s.destroyed) s.write(Buffer.from('a'));
    }, 300);
    try {
      await until((h) => h.pendingFrameBytes === 0 && h['rejected.undecodable'] >= 1, seen);
    } finally {
      clearInterval(trickle);
    }
    expect(Math.max(...seen.map((h) => h.pendingFrameBytes ?? 0))).toBeLessThanOrEqual(MAX_PENDING);
    expect(seen.at(-1)!.pendingFrameBytes).toBe(0);

    // Slots and budget are free again: an ordinary sender is served.
    const ok = await connect();
    ok.write(framePickle([{ name: 'bounds.after', ts: now, value: 1 }]));
    expect((await until((h) => h.received >= MAX_CONNECTIONS + 1)).received).toBe(MAX_CONNECTIONS + 1);
  });
});
