/**
 * Copies torus data from one schema's interval to another's: every stored bucket (or
 * sub-bucket) of the source becomes values at that bucket's start time, routed into the destination
 * schema with its own keys, buckets, resolution and retention. Values are already in stored form,
 * so the destination's transform and writeFn are not applied again.
 *
 * Running it again copies nothing twice: each source bucket is claimed in the Store's ledger
 * (`migrate.SOURCE>DESTINATION.KEY`, kept as long as the source bucket can exist) before it is
 * copied, and a bucket still open (its end not yet reached) is left for a later run, since copying
 * part of it would make the rest impossible to copy without doubling what was copied.
 */
import { regExpFinds } from '../../core/regExp.js';
import type { ClaimStore, RollupStore, TorusValue, TorusWrite } from '../../core/store/store.js';
import { bucketExpireAt, bucketStart, nextBucket } from '../../core/torus/intervals.js';
import { planTorusWrites, schemaMatches, type TorusSchema } from '../../core/torus/schemas.js';

export interface MigrateOptions {
  readonly store: RollupStore & ClaimStore;
  readonly source: TorusSchema;
  readonly destination: TorusSchema;
  readonly interval: string;
  /** Only buckets starting in [start, end]. */
  readonly start?: number;
  readonly end?: number;
  readonly match?: RegExp;
  /** Only these names (torus calls a tracked name a stat). */
  readonly stats?: ReadonlySet<string>;
  readonly concurrency: number;
  readonly dryRun: boolean;
  readonly now: number;
  readonly onBucket?: (b: {
    key: string;
    ts: number;
    values: number;
    writes: ReadonlyArray<TorusWrite>;
  }) => void;
}

export interface MigrateResult {
  readonly metrics: number;
  readonly buckets: number;
  readonly values: number;
  readonly writes: number;
  /** Destination writes dropped: older than the destination interval's retention. */
  readonly expired: number;
  /** Source buckets an earlier run already copied (skipped). */
  readonly alreadyCopied: number;
  /** Source buckets still open at `now` (skipped; a later run copies them once they close). */
  readonly open: number;
}

export interface SourceBucket {
  readonly key: string;
  readonly name: string;
  /** Start of the bucket or, with a resolution, of the sub-bucket. */
  readonly ts: number;
  /** When it stops receiving values: the end of the (sub-)bucket. */
  readonly end: number;
  /** When the source key expires. */
  readonly expireAt: number;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The source's data keys for `interval`, with the name and time each holds (index keys excluded). */
export async function listSourceBuckets(
  store: RollupStore & ClaimStore,
  source: TorusSchema,
  interval: string,
): Promise<SourceBucket[]> {
  const iv = source.intervals.get(interval)!;
  const re = new RegExp(
    `^${escapeRe(source.prefix)}(.+):${escapeRe(interval)}:(\\d+)${iv.resolution === undefined ? '' : ':(\\d+)'}$`,
  );
  const out: SourceBucket[] = [];
  for (const key of await store.torusKeys(`${source.prefix}*:${interval}:*`)) {
    const m = re.exec(key);
    if (!m || !schemaMatches(source, m[1])) continue;
    const id = Number(m[2]);
    const ts = iv.resolution === undefined ? bucketStart(iv.step, id) : Number(m[3]) * iv.resolution;
    const end =
      iv.resolution === undefined ? bucketStart(iv.step, nextBucket(iv.step, id)) : ts + iv.resolution;
    out.push({ key, name: m[1], ts, end, expireAt: bucketExpireAt(iv, id) });
  }
  return out;
}

/** A bucket's content as the values horizon would have routed to produce it. */
export function valuesOf(v: TorusValue): Array<number | string> {
  switch (v.type) {
    case 'series':
      return v.values;
    case 'histogram':
      return [...v.counts].flatMap(([value, n]) => Array<number | string>(n).fill(Number(value)));
    case 'count':
      return [v.total];
    case 'gauge':
      return [v.last];
    case 'set':
      return v.members;
  }
}

export async function migrate(o: MigrateOptions): Promise<MigrateResult> {
  // The names to copy are chosen by the source and the filters; the destination's match does not veto them.
  const destination: TorusSchema = {
    ...o.destination,
    match: [/(?:)/],
    transform: undefined,
    writeFn: undefined,
    intervals: new Map([[o.interval, o.destination.intervals.get(o.interval)!]]),
  };
  const buckets = (await listSourceBuckets(o.store, o.source, o.interval)).filter(
    (b) =>
      (o.start === undefined || b.ts >= o.start) &&
      (o.end === undefined || b.ts <= o.end) &&
      (!o.stats || o.stats.has(b.name)) &&
      (!o.match || regExpFinds(o.match, b.name)),
  );

  const metrics = new Set<string>();
  let values = 0,
    writes = 0,
    expired = 0,
    alreadyCopied = 0,
    open = 0,
    next = 0;
  const worker = async () => {
    while (next < buckets.length) {
      const b = buckets[next++];
      if (b.end > o.now) {
        open++;
        continue;
      }
      const claim = `migrate.${o.source.name}>${o.destination.name}.${b.key}`;
      if (!o.dryRun && !(await o.store.claim(claim, b.expireAt - o.now))) {
        alreadyCopied++;
        continue;
      }
      const [content] = await o.store.torusRead(o.source.type, [b.key]);
      if (!content) continue;
      const planned: TorusWrite[] = [];
      const vs = valuesOf(content);
      for (const v of vs) {
        // Gauge and set values are strings; without a transform, planTorusWrites passes them through.
        const p = planTorusWrites([destination], b.name, b.ts, v as number, o.now);
        planned.push(...p.writes);
        expired += p.expired;
      }
      if (!o.dryRun && planned.length) {
        try {
          await o.store.torusWrite(planned);
        } catch (err) {
          // Not copied, so not claimed: a re-run copies it.
          await o.store.release(claim).catch(() => undefined);
          throw err;
        }
      }
      metrics.add(b.name);
      values += vs.length;
      writes += planned.length;
      o.onBucket?.({ key: b.key, ts: b.ts, values: vs.length, writes: planned });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.concurrency) }, worker));
  return { metrics: metrics.size, buckets: buckets.length, values, writes, expired, alreadyCopied, open };
}
