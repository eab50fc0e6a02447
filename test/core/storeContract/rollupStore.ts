import { describe, expect, it } from 'vitest';
import type { RollupStore } from '../../../core/store/store.js';
import type { RoleHarness } from './harness.js';

/** What horizon, backfill, migrate and the torus readers rely on in the rollup buckets. */
export function rollupStoreContract(h: RoleHarness<RollupStore>): void {
  describe('RollupStore', () => {
    it('writes and reads torus buckets of all five types with retention', async () => {
      const s = await h.open();
      const later = Date.now() / 1000 + 3600;
      await s.torusWrite([
        { type: 'series', key: 't:s', value: 1.5, expireAt: later },
        { type: 'series', key: 't:s', value: 2, expireAt: later },
        { type: 'histogram', key: 't:h', value: 'a', expireAt: later },
        { type: 'histogram', key: 't:h', value: 'a', expireAt: later },
        { type: 'histogram', key: 't:h', value: 'b', expireAt: later },
        { type: 'count', key: 't:c', value: 2.5, expireAt: later },
        { type: 'count', key: 't:c', value: 3, expireAt: later },
        { type: 'gauge', key: 't:g', value: 7, expireAt: later },
        { type: 'gauge', key: 't:g', value: 9, expireAt: later },
        { type: 'set', key: 't:set', value: 'x', expireAt: later },
        { type: 'set', key: 't:set', value: 'x', expireAt: later },
        { type: 'set', key: 't:set', value: 'y', expireAt: later, index: { key: 't:idx', member: '17' } },
      ]);
      expect(await s.torusRead('series', ['t:s', 't:none'])).toEqual([
        { type: 'series', values: [1.5, 2] },
        null,
      ]);
      const [hist] = await s.torusRead('histogram', ['t:h']);
      expect(hist).toEqual({
        type: 'histogram',
        counts: new Map([
          ['a', 2],
          ['b', 1],
        ]),
      });
      expect(await s.torusRead('count', ['t:c'])).toEqual([{ type: 'count', total: 5.5 }]);
      expect(await s.torusRead('gauge', ['t:g'])).toEqual([{ type: 'gauge', last: '9' }]);
      const [set] = await s.torusRead('set', ['t:set']);
      expect(set && set.type === 'set' && [...set.members].sort()).toEqual(['x', 'y']);
      expect(await s.torusIndex('t:idx')).toEqual(['17']);
      expect(await s.torusKeys('t:*')).toEqual(['t:c', 't:g', 't:h', 't:idx', 't:s', 't:set']);
      await s.close();
    });

    it('expires torus buckets at their retention', async () => {
      const s = await h.open();
      // Two seconds ahead at least: on a busy box the read right after the write must still see it.
      const soon = Math.floor(Date.now() / 1000) + 3;
      await s.torusWrite([{ type: 'count', key: 'exp:c', value: 1, expireAt: soon }]);
      expect(await s.torusRead('count', ['exp:c'])).toEqual([{ type: 'count', total: 1 }]);
      await new Promise((r) => setTimeout(r, (soon + 1.1) * 1000 - Date.now()));
      expect(await s.torusRead('count', ['exp:c'])).toEqual([null]);
      await s.close();
    });

    it('takes torus batches far larger than one server-side call', async () => {
      const s = await h.open();
      const n = 30_000;
      await s.torusWrite(
        Array.from({ length: n }, (_, i) => ({
          type: 'count' as const,
          key: `big:${i}`,
          value: i,
          expireAt: 4_000_000_000,
        })),
      );
      expect(await s.torusKeys('big:*')).toHaveLength(n);
      expect(await s.torusRead('count', [`big:${n - 1}`])).toEqual([{ type: 'count', total: n - 1 }]);
      await s.close();
    });
  });
}
