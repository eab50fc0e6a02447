/** Graphite's series model: fixed-step values from `start`, NaN where Graphite shows null. */

/** How points that fall into one wider slot become one value (Graphite's consolidateBy and summarize funcs). */
export const AGGREGATES = ['average', 'avg', 'sum', 'total', 'min', 'max', 'first', 'last', 'count', 'median'] as const;
export type Aggregate = (typeof AGGREGATES)[number];

export interface GSeries {
  readonly name: string;
  /** The expression the series came from: aggregates name themselves after their inputs' expressions. */
  readonly pathExpression: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly start: number;
  readonly step: number;
  readonly values: Float64Array;
  /** Stored metrics the series was computed from: `anomalies()` reads their records. */
  readonly metrics: readonly string[];
  /** How maxDataPoints consolidates it (consolidateBy sets it; Graphite's default is average). */
  readonly consolidate: Aggregate;
}

/** A series derived from `s`, renamed, keeping what the caller does not change. */
export function derived(s: GSeries, name: string, change: Partial<GSeries> = {}): GSeries {
  return { ...s, name, pathExpression: name, tags: { ...s.tags, name }, ...change };
}

/**
 * Per-slot accumulators for `resample`: one pass over the input, streaming for every aggregate but
 * median, which keeps each slot's values.
 */
function collect(length: number, how: Aggregate) {
  const sum = new Float64Array(length);
  const count = new Float64Array(length);
  const min = new Float64Array(length).fill(Infinity);
  const max = new Float64Array(length).fill(-Infinity);
  const first = new Float64Array(length).fill(NaN);
  const last = new Float64Array(length).fill(NaN);
  const lists: number[][] | undefined = how === 'median' ? Array.from({ length }, () => []) : undefined;
  return {
    add(j: number, v: number) {
      sum[j] += v; count[j]++;
      if (v < min[j]) min[j] = v;
      if (v > max[j]) max[j] = v;
      if (Number.isNaN(first[j])) first[j] = v;
      last[j] = v;
      lists?.[j].push(v);
    },
    result(): Float64Array {
      const out = new Float64Array(length);
      for (let j = 0; j < length; j++) {
        if (count[j] === 0) { out[j] = NaN; continue; }
        switch (how) {
          case 'average': case 'avg': out[j] = sum[j] / count[j]; break;
          case 'sum': case 'total': out[j] = sum[j]; break;
          case 'min': out[j] = min[j]; break;
          case 'max': out[j] = max[j]; break;
          case 'first': out[j] = first[j]; break;
          case 'last': out[j] = last[j]; break;
          case 'count': out[j] = count[j]; break;
          case 'median': out[j] = median(lists![j]); break;
        }
      }
      return out;
    },
  };
}

function median(xs: number[]): number {
  xs.sort((a, b) => a - b);
  const m = xs.length >> 1;
  return xs.length % 2 ? xs[m] : (xs[m - 1] + xs[m]) / 2;
}

/** Points `[ts, value]` into `length` slots of `step` from `start` (slot j holds [start + j·step, start + (j+1)·step)). */
export function slotPoints(timestamps: ArrayLike<number>, values: ArrayLike<number | null>, start: number, step: number, length: number, how: Aggregate): Float64Array {
  const acc = collect(length, how);
  for (let i = 0; i < timestamps.length; i++) {
    const v = values[i];
    if (v === null || !Number.isFinite(v)) continue;
    const j = Math.floor((timestamps[i] - start) / step);
    if (j >= 0 && j < length) acc.add(j, v);
  }
  return acc.result();
}

/** A series onto another grid (coarser, shifted or both), aggregating the values each new slot covers. */
export function resample(s: GSeries, start: number, step: number, length: number, how: Aggregate): Float64Array {
  const acc = collect(length, how);
  for (let i = 0; i < s.values.length; i++) {
    const v = s.values[i];
    if (Number.isNaN(v)) continue;
    const j = Math.floor((s.start + i * s.step - start) / step);
    if (j >= 0 && j < length) acc.add(j, v);
  }
  return acc.result();
}

/**
 * Consolidation to maxDataPoints as graphite-web does it for JSON: each point becomes ⌈n / max⌉ steps
 * wide, bands aligned to multiples of that width so a refresh does not shift them (the values before
 * the first whole band are dropped, as graphite-web's "nudge" drops them).
 */
export function consolidateTo(s: GSeries, maxDataPoints: number): GSeries {
  const n = s.values.length;
  if (n <= maxDataPoints) return s;
  const width = Math.ceil(n / maxDataPoints) * s.step;
  const start = Math.ceil(s.start / width) * width;
  const end = s.start + n * s.step;
  const length = Math.max(0, Math.ceil((end - start) / width));
  return { ...s, start, step: width, values: resample(s, start, width, length, s.consolidate) };
}

/** The Graphite JSON of one series: `{"target", "tags", "datapoints": [[value|null, ts], …]}`. */
export function seriesJson(s: GSeries): string {
  const points = new Array<string>(s.values.length);
  for (let i = 0; i < s.values.length; i++) {
    const v = s.values[i];
    points[i] = `[${Number.isFinite(v) ? v : 'null'},${s.start + i * s.step}]`;
  }
  return `{"target":${JSON.stringify(s.name)},"tags":${JSON.stringify(s.tags)},"datapoints":[${points.join(',')}]}`;
}
