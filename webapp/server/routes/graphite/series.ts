/** Graphite's series model: fixed-step values from `start`, NaN where Graphite shows null. */

/** How points that fall into one wider slot become one value (Graphite's consolidateBy and summarize funcs). */
export const AGGREGATES = [
  'average',
  'avg',
  'sum',
  'total',
  'min',
  'max',
  'first',
  'last',
  'count',
  'median',
] as const;
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
 * Per-slot accumulators for `resample`: one pass over the input, keeping only what
 * the aggregate needs (a render of 1,000 series runs this for every one of them).
 */
function collect(length: number, how: Aggregate) {
  const count = new Float64Array(length);
  const sum =
    how === 'average' || how === 'avg' || how === 'sum' || how === 'total'
      ? new Float64Array(length)
      : undefined;
  const kept =
    how === 'min' || how === 'max' || how === 'first' || how === 'last'
      ? new Float64Array(length)
      : undefined;
  const lists: number[][] | undefined = how === 'median' ? Array.from({ length }, () => []) : undefined;
  const keep =
    how === 'min'
      ? (old: number, v: number) => (v < old ? v : old)
      : how === 'max'
        ? (old: number, v: number) => (v > old ? v : old)
        : how === 'first'
          ? (old: number) => old
          : (_old: number, v: number) => v;
  return {
    add(j: number, v: number) {
      if (sum) sum[j] += v;
      else if (kept) kept[j] = count[j] === 0 ? v : keep(kept[j], v);
      else lists?.[j].push(v);
      count[j]++;
    },
    result(): Float64Array {
      const out = new Float64Array(length);
      for (let j = 0; j < length; j++) {
        const n = count[j];
        if (n === 0) out[j] = NaN;
        else if (how === 'average' || how === 'avg') out[j] = sum![j] / n;
        else if (sum) out[j] = sum[j];
        else if (kept) out[j] = kept[j];
        else if (how === 'count') out[j] = n;
        else out[j] = median(lists![j]);
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

/**
 * Points `[ts, value]` averaged into `length` slots of `step` from `start` (slot j holds
 * [start + j·step, start + (j+1)·step)). Written out rather than through `collect`: every raw window
 * a render reads passes through here (1.4 million points for a day of 1,000 one-minute metrics).
 */
export function averageSlots(
  timestamps: ArrayLike<number>,
  values: ArrayLike<number | null>,
  start: number,
  step: number,
  length: number,
): Float64Array {
  const sum = new Float64Array(length);
  const count = new Uint32Array(length);
  for (let i = 0; i < timestamps.length; i++) {
    const v = values[i];
    if (v === null || !Number.isFinite(v)) continue;
    const j = Math.floor((timestamps[i] - start) / step);
    if (j >= 0 && j < length) {
      sum[j] += v;
      count[j]++;
    }
  }
  for (let j = 0; j < length; j++) sum[j] = count[j] ? sum[j] / count[j] : NaN;
  return sum;
}

/** A series onto another grid (coarser, shifted or both), aggregating the values each new slot covers. */
export function resample(
  s: GSeries,
  start: number,
  step: number,
  length: number,
  how: Aggregate,
): Float64Array {
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
