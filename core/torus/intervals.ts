/**
 * Torus interval arithmetic: fixed steps in seconds (`60`, `"1h"`, `"1d"`, `"1w"`) and
 * calendar steps (`daily|weekly|monthly|yearly`, UTC), bucket ids, bucket start times and retention.
 */
import { parseDuration } from '../time.js';

export type Calendar = 'daily' | 'weekly' | 'monthly' | 'yearly';
const CALENDARS: ReadonlySet<string> = new Set(['daily', 'weekly', 'monthly', 'yearly']);

export class IntervalError extends Error {}

export interface Step {
  /** Fixed steps: the step in seconds. Calendar steps: their nominal length (for expiry and rates). */
  readonly seconds: number;
  readonly calendar?: Calendar;
}

export interface Interval {
  readonly name: string;
  readonly step: Step;
  /** Retention in buckets; undefined = keep forever. */
  readonly steps?: number;
  /** Sub-bucket width in seconds, when the interval stores finer data inside each bucket. */
  readonly resolution?: number;
}

const NOMINAL: Record<Calendar, number> = {
  daily: 86400,
  weekly: 7 * 86400,
  monthly: 31 * 86400,
  yearly: 366 * 86400,
};

export function parseStep(step: number | string): Step {
  if (typeof step === 'string' && CALENDARS.has(step))
    return { seconds: NOMINAL[step as Calendar], calendar: step as Calendar };
  let seconds: number;
  try {
    seconds = parseDuration(step);
  } catch {
    throw new IntervalError(
      `bad step "${step}": use seconds, 1h/1d/1w forms, or daily|weekly|monthly|yearly`,
    );
  }
  if (!(seconds > 0)) throw new IntervalError(`bad step "${step}": must be positive`);
  return { seconds };
}

export function parseInterval(
  name: string,
  spec: { step: number | string; steps?: number; resolution?: number | string },
): Interval {
  const step = parseStep(spec.step);
  let resolution: number | undefined;
  if (spec.resolution !== undefined) {
    resolution = parseStep(spec.resolution).seconds;
    if (resolution > step.seconds)
      throw new IntervalError(`interval ${name}: resolution ${spec.resolution} is coarser than its step`);
  }
  return { name, step, steps: spec.steps, resolution };
}

/** ISO-8601 week-numbering year and week of a UTC date. */
function isoWeek(d: Date): { year: number; week: number } {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  return { year: t.getUTCFullYear(), week: Math.ceil(((t.getTime() - yearStart) / 86400000 + 1) / 7) };
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** Bucket id: `floor(ts / step)`, or `YYYYMMDD` / `YYYYWW` (ISO week) / `YYYYMM` / `YYYY` in UTC. */
export function bucketId(step: Step, ts: number): number {
  if (!step.calendar) return Math.floor(ts / step.seconds);
  const d = new Date(ts * 1000);
  switch (step.calendar) {
    case 'daily':
      return Number(`${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)}`);
    case 'weekly': {
      const w = isoWeek(d);
      return Number(`${w.year}${pad(w.week, 2)}`);
    }
    case 'monthly':
      return Number(`${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1, 2)}`);
    case 'yearly':
      return d.getUTCFullYear();
  }
}

/** Epoch seconds at which a bucket starts. */
export function bucketStart(step: Step, id: number): number {
  if (!step.calendar) return id * step.seconds;
  switch (step.calendar) {
    case 'daily':
      return Date.UTC(Math.floor(id / 10000), (Math.floor(id / 100) % 100) - 1, id % 100) / 1000;
    case 'weekly': {
      const year = Math.floor(id / 100);
      const jan4 = Date.UTC(year, 0, 4);
      const jan4Day = new Date(jan4).getUTCDay() || 7;
      return (jan4 - (jan4Day - 1) * 86400000) / 1000 + ((id % 100) - 1) * 7 * 86400;
    }
    case 'monthly':
      return Date.UTC(Math.floor(id / 100), (id % 100) - 1, 1) / 1000;
    case 'yearly':
      return Date.UTC(id, 0, 1) / 1000;
  }
}

/** The bucket after `id` (calendar ids are not consecutive integers). */
export function nextBucket(step: Step, id: number): number {
  if (!step.calendar) return id + 1;
  // The next bucket starts at most one nominal length after this one's start; step past it by a day.
  let t = bucketStart(step, id) + 86400;
  while (bucketId(step, t) === id) t += 86400;
  return bucketId(step, t);
}

/** The bucket `n` buckets before `id`. */
export function bucketsBefore(step: Step, id: number, n: number): number {
  if (!step.calendar) return id - n;
  return bucketId(step, bucketStart(step, id) - n * step.seconds + 43200);
}

/**
 * Oldest timestamp an interval still accepts at `now` (the start of the oldest retained bucket), or
 * -Infinity without retention. Writes older than this are dropped and counted.
 */
export function retentionStart(iv: Interval, now: number): number {
  if (iv.steps === undefined) return -Infinity;
  return bucketStart(iv.step, bucketsBefore(iv.step, bucketId(iv.step, now), iv.steps - 1));
}

/** Expiry used for intervals without retention: the end of year 9999, which Redis accepts. */
export const NEVER_EXPIRES = 253_402_300_799;

/** When a bucket's key expires: `steps` bucket lengths after the bucket starts. */
export function bucketExpireAt(iv: Interval, id: number): number {
  if (iv.steps === undefined) return NEVER_EXPIRES;
  return bucketStart(iv.step, id) + (iv.steps + 1) * iv.step.seconds;
}
