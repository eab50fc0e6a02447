import { describe, expect, it } from 'vitest';
import { ANOMALY_KINDS, planMetrics } from '../../utils/seed/metrics.js';

const end = 1_795_000_000 - (1_795_000_000 % 60);
const plan = (seed = 1) => planMetrics({ count: 20, end, step: 60, randomSeed: seed });

describe('seed metrics', () => {
  it('are reproducible for a random seed, with unique names and every anomaly kind in the default 20', () => {
    const a = plan(),
      b = plan();
    expect(a.map((m) => m.valueAt(end - 3600))).toEqual(b.map((m) => m.valueAt(end - 3600)));
    expect(new Set(a.map((m) => m.name)).size).toBe(20);
    expect(new Set(a.flatMap((m) => (m.injection ? [m.injection.kind] : [])))).toEqual(
      new Set(ANOMALY_KINDS),
    );
    expect(plan(2).map((m) => m.valueAt(end))).not.toEqual(a.map((m) => m.valueAt(end)));
  });

  it('follow a daily cycle, and flat ones stay flat', () => {
    const requests = plan().find((m) => m.family === 'requests' && !m.injection)!;
    const at = (hourUtc: number) => requests.valueAt(end - (end % 86400) - 86400 + hourUtc * 3600);
    expect(at(15)).toBeGreaterThan(at(3) * 1.8);
    const flat = plan().find((m) => m.family === 'flat')!;
    expect(new Set(Array.from({ length: 100 }, (_, i) => flat.valueAt(end - i * 60))).size).toBe(1);
  });

  it('inject each anomaly only inside its window, at the newest points', () => {
    for (const m of plan().filter((x) => x.injection)) {
      const { kind, from, until } = m.injection!;
      expect(until).toBe(end);
      // Just before the window the metric is its usual self, within noise of the same time yesterday.
      const before = m.valueAt(from - 60),
        yesterday = m.valueAt(from - 60 - 86400);
      expect(before / yesterday).toBeGreaterThan(0.5);
      expect(before / yesterday).toBeLessThan(1.5);
      const v = m.valueAt(end),
        dayBefore = m.valueAt(end - 86400);
      if (kind === 'spike') expect(v).toBeGreaterThan(dayBefore * 3);
      if (kind === 'drop') expect(v).toBeLessThan(dayBefore * 0.1);
      if (kind === 'level-shift') expect(v).toBeGreaterThan(dayBefore * 1.5);
      // The value sits at the wrong end of its daily range: far from the same time yesterday.
      if (kind === 'seasonal-break') expect(Math.abs(v - dayBefore)).toBeGreaterThan(0.2 * dayBefore);
    }
  });
});
