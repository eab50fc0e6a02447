/**
 * Full windows before the soak's timed part. Sent from empty, every window grows all through a soak,
 * and so does every buffer that holds windows (the analyzer's chunks, oculus's reads), which hides
 * whether memory is flat. The prefill writes `seconds` of history into every window at the rate the
 * soak will send each metric (its `rate / metrics` points a second, the sender's values), through
 * `appendGrouped`, the call horizon's writer makes; Kale then runs with that fullDuration and no
 * roomba grace, so each window stays between `seconds` and `seconds` + one roomba interval (60 s) long.
 * (Not a shorter interval: a trim reads every point of a window in Redis, so trimming 10,000 full
 * windows every 10 s would take Redis from ingest.)
 */
import type { GroupedPoints, WindowStore } from '../../core/store/store.js';
import { soakValue } from './soakSender.js';

/** Metrics per appendGrouped call: a few MB of columns at a time. */
const METRICS_PER_CALL = 50;

export interface PrefillResult {
  readonly points: number;
  /** The first second after the prefill: every point the soak sends is at or after it. */
  readonly sentFrom: number;
  readonly ms: number;
}

export async function prefillWindows(
  store: WindowStore,
  names: readonly string[],
  pointsPerSecond: number,
  seconds: number,
  now = Date.now() / 1000,
): Promise<PrefillResult> {
  const t0 = performance.now();
  const sentFrom = Math.floor(now);
  const perMetric = seconds * pointsPerSecond;
  let points = 0;
  for (let first = 0; first < names.length; first += METRICS_PER_CALL) {
    const group = names.slice(first, first + METRICS_PER_CALL);
    const starts = Int32Array.from({ length: group.length + 1 }, (_, i) => i * perMetric);
    const ts = new Float64Array(group.length * perMetric);
    const values = new Float64Array(group.length * perMetric);
    for (let m = 0; m < group.length; m++)
      for (let s = 0; s < seconds; s++) {
        const second = sentFrom - seconds + s;
        const value = soakValue(first + m, second);
        ts.fill(second, starts[m] + s * pointsPerSecond, starts[m] + (s + 1) * pointsPerSecond);
        values.fill(value, starts[m] + s * pointsPerSecond, starts[m] + (s + 1) * pointsPerSecond);
      }
    await store.appendGrouped({ names: group, starts, ts, values } satisfies GroupedPoints);
    points += ts.length;
  }
  return { points, sentFrom, ms: performance.now() - t0 };
}
