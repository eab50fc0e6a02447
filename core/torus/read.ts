/**
 * Reading torus rollups: the one function the webapp (`GET /api/torus/series`) and the utils call.
 *
 *   import { readTorus } from '../core/torus/read.js';
 *   const r = await readTorus(store, schemas, { stat: 'avg', name: 'app.requests', interval: 'hour',
 *                                               start: parseTime('2 days ago'), end: parseTime('now') });
 *   // r = { schema: 'requests', interval: 'hour', step: 3600,
 *   //       datapoints: [[12.5, 1700000000], [null, 1700003600], …] }   (Graphite order: [value, ts])
 *
 * - `schemas`: the config's `horizon.schemas` (raw config objects) or already compiled `TorusSchema`s.
 *   The schema used is the first in file order that matches `name` and has `interval`.
 * - `stat`: `mean` (alias `avg`), `min`, `max`, `sum`, `count`, `rate` (sum per second of bucket, or
 *   count per second for histogram/set), `last`. Per bucket type: `series` computes over its values;
 *   `count` holds a total (every stat but `rate` returns it); `gauge` holds the last value; `histogram`
 *   weighs each value by its count (`last` is null); `set` computes over its distinct numeric members
 *   (`count` = distinct members; `last` is null).
 * - Range, all epoch seconds, UTC (parse relative times with core/time.ts `parseTime` first):
 *   `start` + `end` → every bucket from start's to end's; `steps` + `end` (default now) → the last
 *   `steps` buckets ending at end's bucket; `start` + `steps` → `steps` buckets from start's. With none
 *   of them: the interval's retention (`steps`, else 60) ending now. At most `MAX_BUCKETS` buckets.
 * - Intervals with a `resolution` return one datapoint per stored sub-bucket (timestamp = sub-bucket
 *   start); `condense: true` merges them into one datapoint per bucket.
 * - Buckets with no data give `[null, ts]`, as Graphite does.
 * Throws `TorusReadError` (a bad request: unknown stat, no schema for name+interval, range too large).
 */
import type { TorusSchemaConfig } from '../config/schema.js';
import type { RollupStore, TorusValue } from '../store/store.js';
import { bucketId, bucketStart, bucketsBefore, nextBucket } from './intervals.js';
import { bucketKey, compileSchemas, schemaForRead, type TorusSchema } from './schemas.js';

export const TORUS_STATS = ['mean', 'avg', 'min', 'max', 'sum', 'count', 'rate', 'last'] as const;
export type TorusStat = (typeof TORUS_STATS)[number];

export const MAX_BUCKETS = 10_000;

export interface TorusQuery {
  readonly stat: TorusStat;
  readonly name: string;
  readonly interval: string;
  readonly start?: number;
  readonly end?: number;
  readonly steps?: number;
  readonly condense?: boolean;
  /** Clock for the defaults (epoch seconds); defaults to the wall clock. */
  readonly now?: number;
}

export type Datapoint = [value: number | null, ts: number];

export interface TorusResult {
  readonly schema: string;
  readonly interval: string;
  /** Bucket length in seconds (nominal for calendar intervals). */
  readonly step: number;
  readonly datapoints: Datapoint[];
}

export class TorusReadError extends Error {}

export async function readTorus(
  store: RollupStore,
  schemas: ReadonlyArray<TorusSchema> | ReadonlyArray<TorusSchemaConfig>,
  q: TorusQuery,
): Promise<TorusResult> {
  if (!(TORUS_STATS as readonly string[]).includes(q.stat))
    throw new TorusReadError(`unknown stat "${q.stat}" (use ${TORUS_STATS.join(', ')})`);
  const compiled = isCompiled(schemas) ? schemas : compileSchemas(schemas);
  const schema = schemaForRead(compiled, q.name, q.interval);
  if (!schema) throw new TorusReadError(`no torus schema stores "${q.name}" at interval "${q.interval}"`);
  const iv = schema.intervals.get(q.interval)!;
  const step = iv.step;

  const now = q.now ?? Date.now() / 1000;
  const buckets: number[] = [];
  if (q.start !== undefined && q.steps === undefined) {
    const last = bucketId(step, q.end ?? now);
    for (let id = bucketId(step, q.start); id <= last; id = nextBucket(step, id)) {
      if (buckets.length >= MAX_BUCKETS)
        throw new TorusReadError(
          `range covers more than ${MAX_BUCKETS} buckets: narrow it or use a coarser interval`,
        );
      buckets.push(id);
    }
  } else {
    const n = q.steps ?? iv.steps ?? 60;
    if (!Number.isInteger(n) || n < 1 || n > MAX_BUCKETS)
      throw new TorusReadError(`steps must be an integer from 1 to ${MAX_BUCKETS}`);
    let id =
      q.start !== undefined
        ? bucketId(step, q.start)
        : bucketsBefore(step, bucketId(step, q.end ?? now), n - 1);
    for (let i = 0; i < n; i++, id = nextBucket(step, id)) buckets.push(id);
  }

  const keys = buckets.map((id) => bucketKey(schema, q.name, q.interval, id));
  const datapoints: Datapoint[] = [];
  if (iv.resolution === undefined) {
    const values = readThrough(schema, await store.torusRead(schema.type, keys));
    buckets.forEach((id, i) =>
      datapoints.push([statOf(values[i], q.stat, step.seconds), bucketStart(step, id)]),
    );
  } else {
    const res = iv.resolution;
    for (let i = 0; i < buckets.length; i++) {
      const subs = (await store.torusIndex(keys[i]))
        .map(Number)
        .filter(Number.isFinite)
        .sort((a, b) => a - b);
      const values = readThrough(
        schema,
        await store.torusRead(
          schema.type,
          subs.map((s) => `${keys[i]}:${s}`),
        ),
      );
      if (q.condense) {
        datapoints.push([statOf(mergeValues(values), q.stat, step.seconds), bucketStart(step, buckets[i])]);
      } else {
        subs.forEach((s, j) => datapoints.push([statOf(values[j], q.stat, res), s * res]));
      }
    }
  }
  return { schema: schema.name, interval: q.interval, step: step.seconds, datapoints };
}

/** Buckets as the schema's `readFn` presents them (each stored value mapped), or as stored. */
function readThrough(schema: TorusSchema, values: Array<TorusValue | null>): Array<TorusValue | null> {
  const fn = schema.readFn;
  if (!fn) return values;
  return values.map((v): TorusValue | null => {
    switch (v?.type) {
      case undefined:
        return null;
      case 'series':
        return { type: 'series', values: v.values.map((x) => Number(fn(x))) };
      case 'count':
        return { type: 'count', total: Number(fn(v.total)) };
      case 'gauge':
        return { type: 'gauge', last: String(fn(v.last)) };
      case 'set':
        return { type: 'set', members: [...new Set(v.members.map((m) => String(fn(m))))] };
      case 'histogram': {
        // Values the function maps together pool their counts.
        const counts = new Map<string, number>();
        for (const [k, n] of v.counts) {
          const key = String(fn(k));
          counts.set(key, (counts.get(key) ?? 0) + n);
        }
        return { type: 'histogram', counts };
      }
    }
  });
}

function isCompiled(
  s: ReadonlyArray<TorusSchema> | ReadonlyArray<TorusSchemaConfig>,
): s is ReadonlyArray<TorusSchema> {
  return s.length === 0 || s[0].intervals instanceof Map;
}

/** Merges the sub-buckets of one bucket into one value of the same type. */
function mergeValues(values: ReadonlyArray<TorusValue | null>): TorusValue | null {
  const present = values.filter((v): v is TorusValue => v !== null);
  if (present.length === 0) return null;
  const first = present[0];
  switch (first.type) {
    case 'series':
      return { type: 'series', values: present.flatMap((v) => (v as typeof first).values) };
    case 'count':
      return { type: 'count', total: present.reduce((s, v) => s + (v as typeof first).total, 0) };
    case 'gauge':
      return present[present.length - 1];
    case 'set':
      return { type: 'set', members: [...new Set(present.flatMap((v) => (v as typeof first).members))] };
    case 'histogram': {
      const counts = new Map<string, number>();
      for (const v of present)
        for (const [k, n] of (v as typeof first).counts) counts.set(k, (counts.get(k) ?? 0) + n);
      return { type: 'histogram', counts };
    }
  }
}

/** One stat over a bucket's content (see the header for what each stat means per type). */
export function statOf(v: TorusValue | null, stat: TorusStat, stepSeconds: number): number | null {
  if (!v) return null;
  let xs: number[];
  let weights: number[] | undefined;
  let last: number | null;
  switch (v.type) {
    case 'series':
      xs = v.values;
      last = xs.length ? xs[xs.length - 1] : null;
      break;
    case 'count':
      return stat === 'rate' ? v.total / stepSeconds : v.total;
    case 'gauge': {
      const g = Number(v.last);
      return Number.isFinite(g) ? (stat === 'rate' ? g / stepSeconds : stat === 'count' ? 1 : g) : null;
    }
    case 'set':
      xs = v.members.map(Number).filter(Number.isFinite);
      last = null;
      if (stat === 'count') return v.members.length;
      if (stat === 'rate') return v.members.length / stepSeconds;
      break;
    case 'histogram': {
      xs = [];
      weights = [];
      for (const [k, n] of v.counts) {
        const x = Number(k);
        if (Number.isFinite(x) && n > 0) {
          xs.push(x);
          weights.push(n);
        }
      }
      last = null;
      break;
    }
  }
  const w = weights ?? xs.map(() => 1);
  const count = w.reduce((s, n) => s + n, 0);
  const sum = xs.reduce((s, x, i) => s + x * w[i], 0);
  switch (stat) {
    case 'count':
      return count;
    case 'sum':
      return count ? sum : null;
    case 'mean':
    case 'avg':
      return count ? sum / count : null;
    case 'min':
      return xs.length ? xs.reduce((a, b) => Math.min(a, b)) : null;
    case 'max':
      return xs.length ? xs.reduce((a, b) => Math.max(a, b)) : null;
    case 'last':
      return last;
    case 'rate':
      return (v.type === 'histogram' ? count : sum) / stepSeconds;
  }
}
