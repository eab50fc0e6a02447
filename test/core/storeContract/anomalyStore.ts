import { describe, expect, it } from 'vitest';
import type { AnomalyStore } from '../../../core/store/store.js';
import { anomaly, type RoleHarness } from './harness.js';

/** What the analyzer records and the webapp and seed read back. */
export function anomalyStoreContract(h: RoleHarness<AnomalyStore>): void {
  describe('AnomalyStore', () => {
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
  });
}
