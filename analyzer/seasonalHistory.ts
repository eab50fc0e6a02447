import type { TorusSchemaConfig } from '../core/config/schema.js';
import type { RollupStore, TorusType } from '../core/store/store.js';
import { statOf } from '../core/torus/read.js';
import { bucketId, bucketStart, type Interval } from '../core/torus/intervals.js';
import { bucketKey, compileSchemas, schemaMatches, type TorusSchema } from '../core/torus/schemas.js';
import { mergeOptions } from './detectors/registry.js';
import type { DetectorInput } from './detectors/types.js';
import { isSeasonal, type Preset } from './presets.js';

/**
 * Seasonal history for the live analyzer: the analysis window holds one day, so the
 * seasonal detectors get "the same time yesterday / last week" from the metric's torus rollups.
 * Only the buckets one period before the window are read (two days of hourly buckets for the
 * default preset, not eight), for a whole chunk in one pipeline per bucket type, and each bucket
 * once: they are kept between cycles.
 */

/** Coarser rollups cannot say what "the same time" held. */
const MAX_STEP = 3600;
/** Types whose bucket mean is on the scale of the raw values. */
const MEAN_TYPES: ReadonlySet<TorusType> = new Set(['series', 'histogram']);

/**
 * The history of a chunk's metrics packed for a worker thread: metric i's buckets are
 * `offsets[2i] .. offsets[2i] + offsets[2i+1]` (length 0 = none), bucket starts in `timestamps`,
 * bucket means in `values`, its bucket length in `steps[i]`.
 */
export interface ChunkHistory {
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
  readonly steps: Float64Array;
  readonly offsets: Int32Array;
}

/** The detector context for metric `i` of a chunk (see analyzer/detectors/seasonalBaseline.ts). */
export function historyContext(history: ChunkHistory | undefined, i: number): DetectorInput['context'] {
  if (!history || history.offsets[2 * i + 1] === 0) return undefined;
  const start = history.offsets[2 * i];
  const end = start + history.offsets[2 * i + 1];
  return {
    'history.timestamps': history.timestamps.subarray(start, end),
    'history.values': history.values.subarray(start, end),
    'history.step': history.steps.subarray(i, i + 1),
  };
}

/** The periods (seconds) of the seasonal detectors in a preset's line-up. */
export function seasonalPeriods(preset: Preset): number[] {
  const periods = new Set<number>();
  for (const entry of preset.detectors) {
    if (isSeasonal(entry)) periods.add(Number(mergeOptions(entry.detector, entry.options).period));
  }
  return [...periods].sort((a, b) => a - b);
}

interface Source {
  readonly schema: TorusSchema;
  readonly interval: Interval;
}

/**
 * The rollup to read for `name`: the first schema (file order, as reads do) that stores it as values
 * with a fixed interval of at most an hour kept for at least `span` seconds; of its intervals, the
 * coarsest, so the fewest keys are read.
 */
export function historySource(
  schemas: ReadonlyArray<TorusSchema>,
  name: string,
  span: number,
): Source | null {
  for (const schema of schemas) {
    if (!MEAN_TYPES.has(schema.type) || !schemaMatches(schema, name)) continue;
    let best: Interval | undefined;
    for (const iv of schema.intervals.values()) {
      const s = iv.step.seconds;
      if (iv.resolution !== undefined || iv.step.calendar || s > MAX_STEP) continue;
      if (iv.steps !== undefined && iv.steps * s < span) continue;
      if (!best || s > best.step.seconds) best = iv;
    }
    if (best) return { schema, interval: best };
  }
  return null;
}

export class SeasonalHistoryReader {
  private readonly schemas: TorusSchema[];
  private readonly periods: number[];
  private readonly span: number;
  private readonly sources = new Map<string, Source | null>();
  /**
   * Bucket means already read, per metric and period. The buckets read are a day or more old, so
   * closed: after the first cycle only the bucket that came into range is read (hourly, once an hour).
   */
  private readonly cache = new Map<string, Segment[]>();

  private budget: number;

  /**
   * `readsPerCycle` bounds the buckets read in one cycle (see `startCycle`): a restart with many
   * metrics would otherwise read every metric's 50 buckets in its first cycle (2,000 metrics took
   * ~20 s on the dev box). Metrics past the budget wait for a later cycle; one whose cache only
   * lacks the newest bucket is judged on what it has.
   */
  constructor(
    private readonly store: RollupStore,
    schemas: ReadonlyArray<TorusSchemaConfig>,
    preset: Preset,
    private readonly fullDuration: number,
    private readonly readsPerCycle: number,
  ) {
    this.budget = readsPerCycle;
    this.periods = seasonalPeriods(preset);
    this.schemas = this.periods.length ? compileSchemas(schemas) : [];
    this.span = (this.periods.at(-1) ?? 0) + fullDuration;
  }

  /** False when the preset has no seasonal detector or no schema could serve one: nothing to read. */
  get active(): boolean {
    return this.schemas.length > 0;
  }

  /** Starts a new cycle's read budget. */
  startCycle(): void {
    this.budget = this.readsPerCycle;
  }

  /** History for a chunk at clock `now`, or undefined when none of its metrics has any. */
  async read(names: ReadonlyArray<string>, now: number): Promise<ChunkHistory | undefined> {
    if (!this.active) return undefined;
    const plans = names.map((name) => this.plan(name, now));
    // What the cache lacks, grouped by bucket type: one pipeline per type.
    const byType = new Map<TorusType, { keys: string[]; into: Array<[Float64Array, number]> }>();
    const complete = plans.map((p) => {
      if (!p || p.missing.length > this.budget) return false;
      this.budget -= p.missing.length;
      return true;
    });
    for (const [i, p] of plans.entries()) {
      if (!p || !complete[i] || p.missing.length === 0) continue;
      const type = p.source.schema.type;
      const group = byType.get(type) ?? { keys: [], into: [] };
      byType.set(type, group);
      for (const m of p.missing) {
        group.keys.push(m.key);
        group.into.push([m.segment.means, m.index]);
      }
    }
    for (const [type, { keys, into }] of byType) {
      const got = await this.store.torusRead(type, keys);
      got.forEach((v, k) => {
        into[k][0][into[k][1]] = statOf(v, 'mean', NaN) ?? NaN;
      });
    }
    // Kept only once fully read: a failed or deferred read must not leave buckets looking empty.
    for (const [i, p] of plans.entries()) if (p && complete[i]) this.cache.set(p.name, p.segments);
    const timestamps: number[] = [];
    const values: number[] = [];
    const steps = new Float64Array(names.length);
    const offsets = new Int32Array(names.length * 2);
    for (let i = 0; i < names.length; i++) {
      offsets[2 * i] = timestamps.length;
      const p = plans[i];
      if (!p) continue;
      const step = p.source.interval.step;
      // Longest period first: its buckets are the oldest, so the history stays in time order.
      for (let s = p.segments.length - 1; s >= 0; s--) {
        const { first, means } = p.segments[s];
        for (let k = 0; k < means.length; k++) {
          if (Number.isNaN(means[k])) continue;
          timestamps.push(bucketStart(step, first + k));
          values.push(means[k]);
        }
      }
      offsets[2 * i + 1] = timestamps.length - offsets[2 * i];
      steps[i] = step.seconds;
    }
    if (timestamps.length === 0) return undefined;
    return { timestamps: Float64Array.from(timestamps), values: Float64Array.from(values), steps, offsets };
  }

  /**
   * For every period, the buckets one period before the window `[now − fullDuration, now]`, taken
   * from the cache where it has them; the rest are listed as missing (new segments start as NaN).
   */
  private plan(
    name: string,
    now: number,
  ): { name: string; source: Source; segments: Segment[]; missing: Missing[] } | null {
    let source = this.sources.get(name);
    if (source === undefined) {
      source = historySource(this.schemas, name, this.span);
      this.sources.set(name, source);
    }
    if (!source) return null;
    const step = source.interval.step;
    const cached = this.cache.get(name);
    const missing: Missing[] = [];
    const segments = this.periods.map((period, p) => {
      const first = bucketId(step, now - this.fullDuration - period);
      const length = bucketId(step, now - period) - first + 1;
      const old = cached?.[p];
      if (old && old.first === first && old.means.length === length) return old;
      const segment: Segment = { first, means: new Float64Array(length).fill(NaN) };
      for (let k = 0; k < length; k++) {
        const o = first + k - (old?.first ?? 0);
        if (old && o >= 0 && o < old.means.length) segment.means[k] = old.means[o];
        else
          missing.push({
            key: bucketKey(source.schema, name, source.interval.name, first + k),
            segment,
            index: k,
          });
      }
      return segment;
    });
    return { name, source, segments, missing };
  }
}

/** Bucket means `first, first + 1, …` of one metric for one period; NaN = the bucket was empty. */
interface Segment {
  readonly first: number;
  readonly means: Float64Array;
}

interface Missing {
  readonly key: string;
  readonly segment: Segment;
  readonly index: number;
}
