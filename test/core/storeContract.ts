import { describe, expect, it } from 'vitest';
import type { AnomalyRecord, Store } from '../../core/store/store.js';

/**
 * The one contract both Store backends must pass. `open` returns a fresh, empty store; `rawWrite`
 * writes bytes directly under a metric key, as a foreign tool would (used for the quarantine case).
 */
export interface ContractHarness {
  open(): Promise<Store>;
  rawWrite(store: Store, name: string, bytes: Buffer): Promise<void>;
}

const anomaly = (metric: string, detectedAt: number): AnomalyRecord => ({
  metric,
  timestamp: detectedAt - 5,
  value: 42,
  preset: 'default',
  votes: { grubbs: true, ks_test: null },
  score: 0.8,
  episode: `${metric}:${detectedAt}`,
  detectedAt,
});

export function storeContract(name: string, h: ContractHarness): void {
  describe(`Store contract: ${name}`, () => {
    it('appends points and reads the window back sorted, de-duplicated, last write wins', async () => {
      const s = await h.open();
      await s.append([
        {
          name: 'a.b',
          points: [
            [30, 3],
            [10, 1],
          ],
        },
      ]);
      await s.append([
        {
          name: 'a.b',
          points: [
            [20, 2],
            [10, 11],
          ],
        },
        { name: 'c', points: [[5, 0.5]] },
      ]);
      const [ab, c, missing] = await s.readWindows(['a.b', 'c', 'nope']);
      expect(Array.from(ab!.timestamps)).toEqual([10, 20, 30]);
      expect(Array.from(ab!.values)).toEqual([11, 2, 3]);
      expect(Array.from(c!.values)).toEqual([0.5]);
      expect(missing).toBeNull();
      expect(await s.listMetrics()).toEqual(['a.b', 'c']);
      await s.close();
    });

    it('keeps fractional and negative values and large timestamps exactly', async () => {
      const s = await h.open();
      const pts: Array<[number, number]> = [
        [1_700_000_000, -1.25],
        [1_700_000_060.5, 1e-300],
        [1_700_000_120, 2 ** 40],
      ];
      await s.append([{ name: 'x', points: pts }]);
      const [w] = await s.readWindows(['x']);
      expect(Array.from(w!.timestamps)).toEqual(pts.map((p) => p[0]));
      expect(Array.from(w!.values)).toEqual(pts.map((p) => p[1]));
      await s.close();
    });

    it('trims old points, forgets metrics left empty, and reports counts', async () => {
      const s = await h.open();
      await s.append([
        {
          name: 'keep',
          points: [
            [100, 1],
            [200, 2],
            [300, 3],
          ],
        },
        { name: 'dead', points: [[50, 1]] },
      ]);
      expect(await s.trim('keep', 200)).toEqual({
        kept: 2,
        removed: 1,
        forgotten: false,
        quarantined: false,
      });
      expect(await s.trim('dead', 200)).toEqual({ kept: 0, removed: 1, forgotten: true, quarantined: false });
      expect(await s.listMetrics()).toEqual(['keep']);
      const [w] = await s.readWindows(['keep']);
      expect(Array.from(w!.timestamps)).toEqual([200, 300]);
      await s.close();
    });

    it('never loses a point appended while trims run', async () => {
      const s = await h.open();
      const old: Array<[number, number]> = Array.from({ length: 2000 }, (_, i) => [i, i]);
      await s.append([{ name: 'busy', points: old }]);
      const appends: Promise<void>[] = [];
      const trims: Promise<unknown>[] = [];
      for (let i = 0; i < 500; i++) {
        appends.push(s.append([{ name: 'busy', points: [[10_000 + i, i]] }]));
        if (i % 25 === 0) trims.push(s.trim('busy', 1000 + i));
      }
      await Promise.all([...appends, ...trims]);
      await s.trim('busy', 5000);
      const [w] = await s.readWindows(['busy']);
      expect(w!.timestamps.length).toBe(500);
      expect(Array.from(w!.timestamps)).toEqual(Array.from({ length: 500 }, (_, i) => 10_000 + i));
      await s.close();
    });

    it('quarantines an undecodable window instead of deleting it', async () => {
      const s = await h.open();
      await h.rawWrite(s, 'broken', Buffer.from([0x92, 0x01, 0xc1, 0xff, 0x00]));
      const r = await s.trim('broken', 0);
      expect(r.quarantined).toBe(true);
      expect(await s.listMetrics()).not.toContain('broken');
      expect((await s.readWindows(['broken']))[0]).toBeNull();
      await s.close();
    });

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

    it('takes batches far larger than one server-side call', async () => {
      const s = await h.open();
      const n = 30_000;
      await s.append(
        Array.from({ length: n }, (_, i) => ({
          name: `big.${i}`,
          points: [[100, i]] as Array<[number, number]>,
        })),
      );
      await s.torusWrite(
        Array.from({ length: n }, (_, i) => ({
          type: 'count' as const,
          key: `big:${i}`,
          value: i,
          expireAt: 4_000_000_000,
        })),
      );
      expect(await s.listMetrics()).toHaveLength(n);
      const windows = await s.readWindows([`big.0`, `big.${n - 1}`]);
      expect(windows.map((w) => w?.values[0])).toEqual([0, n - 1]);
      expect(await s.torusKeys('big:*')).toHaveLength(n);
      expect(await s.torusRead('count', [`big:${n - 1}`])).toEqual([{ type: 'count', total: n - 1 }]);
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

    it('keeps the current anomaly list and a bounded, queryable history', async () => {
      const s = await h.open();
      const now = Math.floor(Date.now() / 1000);
      await s.recordAnomalies([anomaly('old', now - 100)], 50);
      await s.recordAnomalies([anomaly('a', now), anomaly('b', now)], 50);
      expect((await s.currentAnomalies()).map((r) => r.metric).sort()).toEqual(['a', 'b']);
      const hist = await s.anomalyHistory({});
      expect(hist.map((r) => r.metric).sort()).toEqual(['a', 'b']);
      expect(hist[0].votes).toEqual({ grubbs: true, ks_test: null });
      expect((await s.anomalyHistory({ metric: 'a' })).map((r) => r.metric)).toEqual(['a']);
      expect(await s.anomalyHistory({ until: now - 1 })).toEqual([]);
      expect(await s.anomalyHistory({ limit: 1 })).toHaveLength(1);
      // Carried records stay current without entering the history twice.
      await s.recordAnomalies([anomaly('c', now)], 50, [hist[0]]);
      expect((await s.currentAnomalies()).map((r) => r.metric)).toEqual(['c', hist[0].metric]);
      expect((await s.anomalyHistory({})).map((r) => r.metric).sort()).toEqual(['a', 'b', 'c']);
      await s.recordAnomalies([], 50);
      expect(await s.currentAnomalies()).toEqual([]);
      await s.close();
    });

    it('claims a key once until it expires or is released', async () => {
      const s = await h.open();
      expect(await s.claim('alert.rule1:m', 1)).toBe(true);
      expect(await s.claim('alert.rule1:m', 1)).toBe(false);
      expect(await s.claim('alert.rule2:m', 1)).toBe(true);
      expect(await s.claim('migrate.x', 60)).toBe(true);
      await s.release('migrate.x');
      expect(await s.claim('migrate.x', 60)).toBe(true);
      expect(await s.claim('migrate.x', 60)).toBe(false);
      await new Promise((r) => setTimeout(r, 2100));
      expect(await s.claim('alert.rule1:m', 1)).toBe(true);
      await s.close();
    });

    it('saves, lists and deletes collections', async () => {
      const s = await h.open();
      const c = {
        id: 'c1',
        title: 'Spike',
        description: 'deploy',
        metric: 'a',
        points: [[1, 2]] as Array<[number, number]>,
        createdAt: 10,
      };
      await s.saveCollection(c);
      await s.saveCollection({ ...c, id: 'c2', createdAt: 20 });
      expect((await s.listCollections()).map((x) => x.id)).toEqual(['c2', 'c1']);
      expect(await s.deleteCollection('c1')).toBe(true);
      expect(await s.deleteCollection('c1')).toBe(false);
      expect((await s.listCollections())[0]).toEqual({ ...c, id: 'c2', createdAt: 20 });
      await s.close();
    });

    it('stores per-service status documents', async () => {
      const s = await h.open();
      await s.putStatus('horizon', { received: 5 });
      await s.putStatus('analyzer', { runTime: 1.5 });
      expect(await s.getStatus()).toEqual({ horizon: { received: 5 }, analyzer: { runTime: 1.5 } });
      expect(await s.ping()).toBe(true);
      await s.close();
    });
  });
}
