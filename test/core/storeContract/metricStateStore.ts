import { describe, expect, it } from 'vitest';
import type { MetricStateStore } from '../../../core/store/store.js';
import type { RoleHarness } from './harness.js';

/** What the analyzer relies on to carry per-metric state between cycles. */
export function metricStateStoreContract(h: RoleHarness<MetricStateStore>): void {
  describe('MetricStateStore', () => {
    it('keeps bytes per metric and kind, replaces them, and answers null where a metric has none', async () => {
      const s = await h.open();
      await s.writeMetricState(
        'calibration',
        [
          ['a', Uint8Array.from([1, 2, 3])],
          ['b', Uint8Array.from([9])],
        ],
        3600,
      );
      await s.writeMetricState('context', [['a', Uint8Array.from([7])]], 3600);
      await s.writeMetricState('calibration', [['a', Uint8Array.from([4, 5])]], 3600);
      await s.writeMetricState('calibration', [], 3600);
      const read = await s.readMetricState('calibration', ['a', 'b', 'none']);
      expect(read.map((b) => (b ? Array.from(b) : null))).toEqual([[4, 5], [9], null]);
      const [context] = await s.readMetricState('context', ['a']);
      expect(Array.from(context!)).toEqual([7]);
      await s.close();
    });
  });
}
