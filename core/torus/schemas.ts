/**
 * Torus schemas: which names a schema stores, under which keys, and with which value.
 * Every matching schema stores a point; reads use the first schema in file order that matches and has
 * the requested interval.
 */
import type { TorusSchemaConfig } from '../config/schema.js';
import type { TorusType, TorusWrite } from '../store/store.js';
import { regExpFinds } from '../regExp.js';
import { bucketExpireAt, bucketId, parseInterval, retentionStart, type Interval } from './intervals.js';

export type Transform = (value: number, name: string, ts: number) => number | string | null | undefined;
/** A schema's `writeFn` (each value as it is stored) or `readFn` (each stored value as it is read). */
export type ValueFn = (value: number | string) => number | string;

export interface TorusSchema {
  readonly name: string;
  readonly type: TorusType;
  readonly match: readonly RegExp[];
  readonly intervals: ReadonlyMap<string, Interval>;
  readonly prefix: string;
  readonly transform?: Transform;
  readonly writeFn?: ValueFn;
  readonly readFn?: ValueFn;
  /** Retention from each bucket's latest write instead of its start (Kairos before 0.9 kept TTLs this way). */
  readonly rolling: boolean;
}

/** A pattern from a config: a RegExp, or a string that is a regex source (`/src/flags` also accepted). */
export function toRegExp(p: string | RegExp): RegExp {
  if (p instanceof RegExp) return p;
  const slashed = /^\/(.*)\/([a-z]*)$/.exec(p);
  return slashed ? new RegExp(slashed[1], slashed[2]) : new RegExp(p);
}

export function compileSchemas(configs: ReadonlyArray<TorusSchemaConfig>): TorusSchema[] {
  return configs.map((c) => ({
    name: c.name,
    type: c.type,
    match: (Array.isArray(c.match) ? c.match : [c.match]).map(toRegExp),
    intervals: new Map(Object.entries(c.intervals).map(([name, spec]) => [name, parseInterval(name, spec)])),
    prefix: c.prefix ?? '',
    transform: c.transform as Transform | undefined,
    writeFn: c.writeFn as ValueFn | undefined,
    readFn: c.readFn as ValueFn | undefined,
    rolling: c.rolling ?? false,
  }));
}

export function schemaMatches(schema: TorusSchema, name: string): boolean {
  return schema.match.some((re) => regExpFinds(re, name));
}

/** The schema a read of `name` at `interval` uses: the first in file order that matches and has it. */
export function schemaForRead(
  schemas: ReadonlyArray<TorusSchema>,
  name: string,
  interval: string,
): TorusSchema | undefined {
  return schemas.find((s) => s.intervals.has(interval) && schemaMatches(s, name));
}

export function bucketKey(
  schema: TorusSchema,
  name: string,
  interval: string,
  bucket: number | string,
): string {
  return `${schema.prefix}${name}:${interval}:${bucket}`;
}

export interface PlannedWrites {
  readonly writes: TorusWrite[];
  /** Interval writes dropped because the timestamp is older than the interval's retention. */
  readonly expired: number;
}

/** The bucket writes one point produces in every schema it matches. */
export function planTorusWrites(
  schemas: ReadonlyArray<TorusSchema>,
  name: string,
  ts: number,
  value: number,
  now: number,
): PlannedWrites {
  const writes: TorusWrite[] = [];
  let expired = 0;
  for (const s of schemas) {
    if (!schemaMatches(s, name)) continue;
    const transformed = s.transform ? s.transform(value, name, ts) : value;
    if (transformed === null || transformed === undefined) continue;
    const v = s.writeFn ? s.writeFn(transformed) : transformed;
    for (const iv of s.intervals.values()) {
      if (ts < retentionStart(iv, now)) {
        expired++;
        continue;
      }
      const id = bucketId(iv.step, ts);
      const rolling = s.rolling && iv.steps !== undefined;
      const expireAt = rolling ? now + iv.steps! * iv.step.seconds : bucketExpireAt(iv, id);
      const key = bucketKey(s, name, iv.name, id);
      const base = { type: s.type, value: v, expireAt, ...(rolling && { rolling }) };
      if (iv.resolution === undefined) {
        writes.push({ ...base, key });
      } else {
        const sub = String(Math.floor(ts / iv.resolution));
        writes.push({ ...base, key: `${key}:${sub}`, index: { key, member: sub } });
      }
    }
  }
  return { writes, expired };
}
