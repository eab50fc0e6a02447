/** The analyzer group's bookkeeping on a real Redis, in one process: leases, shares, leaving, overdue metrics. */
import { describe, expect, it } from 'vitest';
import { AnalyzerGroup } from '../../analyzer/group.js';
import { ANALYZER_MEMBERS } from '../../core/store/keys.js';
import { RedisStore } from '../../core/store/redisStore.js';
import { freshRedisDb, redisUrl } from '../support/redis.js';

const names = Array.from({ length: 200 }, (_, i) => `svc.m${i}`);
const cycle = (at: number, share: number) => ({ at, share, analyzed: share, runTime: 0.01 });

if (redisUrl) {
  describe('analyzer group leases', () => {
    it('splits the names among live members, and a member that leaves hands its share over at once', async () => {
      const store = RedisStore.connect(await freshRedisDb());
      const [a, b] = [
        new AnalyzerGroup(store, 60, undefined, 'a'),
        new AnalyzerGroup(store, 60, undefined, 'b'),
      ];
      try {
        await a.start();
        await b.start();
        const [shareA, shareB] = [await a.share(names), await b.share(names)];
        expect(shareA.length + shareB.length).toBe(names.length);
        expect(shareA.filter((n) => shareB.includes(n))).toEqual([]);
        expect(shareA.length).toBeGreaterThan(0);
        await b.leave();
        expect((await store.groupLease(ANALYZER_MEMBERS).members()).map((m) => m.id)).toEqual(['a']);
        expect(await a.share(names)).toEqual(names);
      } finally {
        await a.leave();
        await store.close();
      }
    });

    it('counts as overdue the metrics no live member judged in the last two intervals', async () => {
      const store = RedisStore.connect(await freshRedisDb());
      const now = Date.now() / 1000;
      const a = new AnalyzerGroup(store, 1, undefined, 'a');
      const b = new AnalyzerGroup(store, 1, undefined, 'b');
      try {
        await a.start();
        await b.start();
        const shareB = await b.share(names);
        // b never finishes a cycle; a finishes one split with b, two intervals after it started.
        const shareA = await a.share(names);
        const status = await a.finishCycle(cycle(now + 2, shareA.length), now + 2.1);
        expect(status.members.map((m) => m.id)).toEqual(['a', 'b']);
        expect(status.overdue).toBe(shareB.length);
        expect(status.overdueSample.every((n) => shareB.includes(n))).toBe(true);
        // b finishes its cycle: nothing is overdue.
        await b.finishCycle(cycle(now + 2, shareB.length), now + 2.1);
        expect((await a.finishCycle(cycle(now + 2.2, shareA.length), now + 2.3)).overdue).toBe(0);
      } finally {
        await a.leave();
        await b.leave();
        await store.close();
      }
    });
  });
} else {
  describe.skip('analyzer group leases (SKIPPED: no redis-server on this machine)', () => {});
}
