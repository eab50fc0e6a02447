import { describe, expect, it } from 'vitest';
import type { Logger } from '../../core/log.js';
import { RedisStore } from '../../core/store/redisStore.js';
import { DROP_REASONS } from '../../horizon/drops.js';
import { startHorizonWith } from '../../horizon/service.js';
import { countStored } from '../../utils/loadgen/countStored.js';
import { startRedisServer } from '../../utils/redisServer.js';
import { openSender } from '../../utils/senders/openSender.js';
import { redisUrl } from '../support/redis.js';
import { testConfig, waitFor } from './support.js';

/** Keeps what horizon logs, so the test can read its drop lines. */
function recordingLog(lines: string[]): Logger {
  const log: Logger = {
    debug: () => {},
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
    child: () => log,
  };
  return log;
}

/** Points appended under `name`, one per point sent (they share a timestamp, so not the decoded window's length). */
const stored = (store: RedisStore, name: string) => countStored(store, [name]);

describe.runIf(redisUrl)('the writer over its byte budget', () => {
  it('drops the oldest, counts them by reason, says so once, and the listener keeps serving', async () => {
    // A server of its own: the test stops it taking writes, which would stall every other test's.
    const redis = await startRedisServer();
    const store = RedisStore.connect(redis.url);
    const lines: string[] = [];
    // Segments of 100 points (2,000 bytes of columns each): the budget holds two of them.
    const config = testConfig({ picklePort: 'off', linePort: 'off', batchPoints: 100, bufferBytes: 4000 });
    const horizon = await startHorizonWith({ config, store, log: recordingLog(lines) });
    const sender = await openSender('udp', '127.0.0.1', Number(horizon.endpoints.udp));
    const ts = Math.floor(Date.now() / 1000);
    try {
      await store.client.call('CLIENT', 'PAUSE', '60000', 'WRITE');
      for (let i = 0; i < 3000; i += 100) {
        await sender.send(
          Array.from({ length: 100 }, (_, k) => ({ name: 'over.budget', ts, value: i + k + 0.5 })),
        );
        await new Promise((r) => setTimeout(r, 5));
      }
      expect(
        await waitFor(
          () => horizon.counters.droppedBy.buffer_bytes,
          (n) => n > 0,
        ),
      ).toBeGreaterThan(0);
      await store.client.call('CLIENT', 'UNPAUSE');

      // Still listening, and what arrives now is written.
      await sender.send(Array.from({ length: 10 }, (_, k) => ({ name: 'over.after', ts, value: k + 0.5 })));
      expect(
        await waitFor(
          () => stored(store, 'over.after'),
          (n) => n === 10,
          20_000,
        ),
      ).toBe(10);
    } finally {
      await store.client.call('CLIENT', 'UNPAUSE');
      await sender.close();
      await horizon.stop();
    }
    const c = horizon.counters;
    // Every point received was either stored or counted as dropped, and every drop has its reason.
    expect((await stored(store, 'over.budget')) + (await stored(store, 'over.after'))).toBe(
      c.received - c.dropped,
    );
    expect(DROP_REASONS.reduce((n, r) => n + c.droppedBy[r], 0)).toBe(c.dropped);
    expect(c.droppedBy.buffer_points).toBe(0);
    expect(c.snapshot()['dropped.buffer_bytes']).toBe(c.droppedBy.buffer_bytes);
    // Said once for the storm (the writer's line per interval, and what was left at close), not once per point.
    const said = lines.filter((l) => l.includes('dropped') && l.includes('buffer_bytes'));
    expect(said.length).toBeGreaterThan(0);
    expect(said.length).toBeLessThanOrEqual(2);
    expect(said[0]).toMatch(
      /^warn dropped \d+ points (so far|in the last \d+ s) \(buffer_bytes \d+\): the Store takes writes slower than they arrive$/,
    );
    await store.close();
    await redis.stop();
  }, 60_000);
});
