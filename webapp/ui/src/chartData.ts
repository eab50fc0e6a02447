import type { Point } from './api.js';

/** A point to mark on a chart: an anomaly's timestamp and value. */
export interface Mark {
  timestamp: number;
  value: number;
}

/**
 * uPlot data for a line with marked points: x, the line, and a second series holding only the marked
 * values (null elsewhere). A mark whose timestamp is not among the points is inserted in order.
 */
export function withMarks(
  points: readonly Point[],
  marks: readonly Mark[],
): [number[], number[], Array<number | null>] {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const marked = new Map<number, number>();
  for (const m of marks) {
    marked.set(m.timestamp, m.value);
    if (xs.includes(m.timestamp)) continue;
    const at = xs.findIndex((t) => t > m.timestamp);
    const i = at < 0 ? xs.length : at;
    xs.splice(i, 0, m.timestamp);
    ys.splice(i, 0, m.value);
  }
  return [xs, ys, xs.map((t) => marked.get(t) ?? null)];
}

/**
 * Rolled-up buckets (`[value, bucketStart]`) with the buckets holding a mark marked at the bucket's own
 * value: a bucket of `step` seconds holds a mark when start ≤ timestamp < start + step.
 */
export function bucketsWithMarks(
  datapoints: ReadonlyArray<[number | null, number]>,
  step: number,
  marks: readonly Mark[],
): [number[], Array<number | null>, Array<number | null>] {
  const xs = datapoints.map((d) => d[1]);
  const ys = datapoints.map((d) => d[0]);
  const hit = xs.map((start) => marks.some((m) => m.timestamp >= start && m.timestamp < start + step));
  return [xs, ys, ys.map((v, i) => (hit[i] ? v : null))];
}

/** The mark nearest to `t`, if one is within `tolerance` seconds. */
export function nearestMark<T extends Mark>(
  marks: readonly T[],
  t: number,
  tolerance: number,
): T | undefined {
  let best: T | undefined;
  for (const m of marks)
    if (
      Math.abs(m.timestamp - t) <= tolerance &&
      (!best || Math.abs(m.timestamp - t) < Math.abs(best.timestamp - t))
    )
      best = m;
  return best;
}
