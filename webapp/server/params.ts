import type { Request } from 'express';
import { TimeParseError, parseTime } from '../../core/time.js';
import { badRequest } from './httpError.js';

/**
 * Query-parameter readers: each returns a typed value or throws a 400 naming the parameter, so a
 * route's first lines say exactly what it accepts.
 */
export type Source = Record<string, unknown>;

function raw(src: Source, name: string): string | undefined {
  const v = src[name];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') throw badRequest(`${name}: give it once, as a string`);
  return v;
}

export function optionalString(src: Source, name: string, maxLength = 1000): string | undefined {
  const v = raw(src, name);
  if (v !== undefined && v.length > maxLength)
    throw badRequest(`${name}: longer than ${maxLength} characters`);
  return v;
}

export function requiredString(src: Source, name: string, maxLength = 1000): string {
  const v = optionalString(src, name, maxLength);
  if (v === undefined) throw badRequest(`${name} is required`);
  return v;
}

export function optionalInt(src: Source, name: string, min: number, max: number): number | undefined {
  const v = raw(src, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^-?\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw badRequest(`${name}: expected an integer from ${min} to ${max}, got "${v.slice(0, 50)}"`);
  }
  return n;
}

export function optionalEnum<T extends string>(
  src: Source,
  name: string,
  allowed: readonly T[],
): T | undefined {
  const v = raw(src, name);
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v))
    throw badRequest(`${name}: expected one of ${allowed.join(', ')}, got "${v.slice(0, 50)}"`);
  return v as T;
}

/** A time expression (`-2h`, `5 days ago`, epoch seconds, ISO 8601...) as epoch seconds. */
export function optionalTime(src: Source, name: string, now: number): number | undefined {
  const v = optionalString(src, name, 100);
  if (v === undefined) return undefined;
  try {
    return parseTime(v, now);
  } catch (err) {
    if (err instanceof TimeParseError) throw badRequest(`${name}: ${err.message}`);
    throw err;
  }
}

/** A comma-separated list (or a JSON array in a body) of short strings. */
export function stringList(v: unknown, name: string, maxItems = 50, maxLength = 200): string[] {
  if (v === undefined || v === '') return [];
  const items = typeof v === 'string' ? v.split(',') : v;
  if (
    !Array.isArray(items) ||
    items.length > maxItems ||
    items.some((s) => typeof s !== 'string' || s.length > maxLength)
  ) {
    throw badRequest(
      `${name}: expected up to ${maxItems} comma-separated strings of at most ${maxLength} characters`,
    );
  }
  return items.map((s: string) => s.trim()).filter(Boolean);
}

/** Metric names as the API accepts them: Skyline's `metrics.` prefix is optional. */
export function metricName(src: Source, name = 'metric'): string {
  return requiredString(src, name, 1000).replace(/^metrics\./, '');
}

export const query = (req: Request): Source => req.query as Source;
