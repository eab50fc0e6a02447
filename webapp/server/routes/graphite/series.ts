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

/**
 * A series onto another grid (coarser, shifted or both), aggregating the values each new slot covers.
 * One typed loop per kind of aggregate, not a callback per point: every series of a render that
 * maxDataPoints consolidates passes through here (721,000 points for a day of 1,000 one-minute metrics).
 */
export function resample(
  s: GSeries,
  start: number,
  step: number,
  length: number,
  how: Aggregate,
): Float64Array {
  const out = new Float64Array(length).fill(NaN);
  const count = new Uint32Array(length);
  const lists: number[][] | undefined = how === 'median' ? Array.from({ length }, () => []) : undefined;
  const adds = how === 'average' || how === 'avg' || how === 'sum' || how === 'total';
  // Locals, not s.…: series come in many object shapes, and each read of one in the loop was a lookup.
  const { values, start: from, step: by } = s;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    const j = Math.floor((from + i * by - start) / step);
    if (j < 0 || j >= length) continue;
    const n = count[j]++;
    if (adds) out[j] = n === 0 ? v : out[j] + v;
    else if (how === 'min') out[j] = n === 0 || v < out[j] ? v : out[j];
    else if (how === 'max') out[j] = n === 0 || v > out[j] ? v : out[j];
    else if (how === 'first') out[j] = n === 0 ? v : out[j];
    else if (how === 'last') out[j] = v;
    else if (lists) lists[j].push(v);
  }
  if (how === 'average' || how === 'avg') for (let j = 0; j < length; j++) out[j] /= count[j];
  else if (how === 'count') for (let j = 0; j < length; j++) out[j] = count[j] || NaN;
  else if (lists) for (let j = 0; j < length; j++) if (count[j]) out[j] = median(lists[j]);
  return out;
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
  const last = consolidated.get(s.values);
  const values =
    last &&
    last.from === s.start &&
    last.by === s.step &&
    last.start === start &&
    last.step === width &&
    last.how === s.consolidate
      ? last.values
      : resample(s, start, width, length, s.consolidate);
  consolidated.set(s.values, { from: s.start, by: s.step, start, step: width, how: s.consolidate, values });
  return { ...s, start, step: width, values };
}

/**
 * The last consolidation of each values array, while the array lives: the slots of an unchanged window
 * are the same array from render to render (windowGrids.ts), so their consolidation is too. Series
 * values are never written to once made, which is what makes the array itself a key.
 */
const consolidated = new WeakMap<
  Float64Array,
  { from: number; by: number; start: number; step: number; how: Aggregate; values: Float64Array }
>();
