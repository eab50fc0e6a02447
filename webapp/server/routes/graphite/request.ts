import type { Request } from 'express';
import { TimeParseError } from '../../../../core/time.js';
import { badRequest } from '../../httpError.js';
import { optionalInt, optionalString, type Source } from '../../params.js';
import { parseGraphiteTime } from './time.js';

/** Most targets one render may ask for, and the longest target: far beyond any dashboard's. */
export const MAX_TARGETS = 100;
export const MAX_TARGET_LENGTH = 10_000;

/**
 * The query string and the form body as one source, as graphite-web reads them (Grafana sends GETs
 * and POSTs of application/x-www-form-urlencoded); a key in both keeps every value.
 */
export function graphiteParams(req: Request): Source {
  // No prototype: a `__proto__=` parameter is one more key, not a prototype.
  const out: Source = Object.create(null);
  const body =
    req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Source) : {};
  for (const part of [req.query as Source, body]) {
    for (const [k, v] of Object.entries(part)) out[k] = k in out ? [out[k], v].flat() : v;
  }
  return out;
}

/** Every `name=` value (a key may repeat: target=a&target=b). */
export function repeated(src: Source, name: string, maxItems: number, maxLength: number): string[] {
  const v = src[name];
  const items = v === undefined ? [] : Array.isArray(v) ? v : [v];
  if (items.length > maxItems)
    throw badRequest(`${name}: at most ${maxItems} are accepted, got ${items.length}`);
  for (const item of items) {
    if (typeof item !== 'string') throw badRequest(`${name}: expected a string`);
    if (item.length > maxLength) throw badRequest(`${name}: longer than ${maxLength} characters`);
  }
  return (items as string[]).filter((s) => s.trim() !== '');
}

/** `from` / `until` in Graphite's forms, as epoch seconds; a 400 names the parameter. */
export function graphiteTime(src: Source, name: string, now: number, fallback: number): number {
  const v = optionalString(src, name, 100);
  if (v === undefined) return fallback;
  try {
    return parseGraphiteTime(v, now);
  } catch (err) {
    if (err instanceof TimeParseError) throw badRequest(`${name}: ${err.message}`);
    throw err;
  }
}

/** The range of a request: graphite-web's defaults are the last day until now. */
export function timeRange(src: Source, now: number): { from: number; until: number } {
  const from = graphiteTime(src, 'from', now, now - 86400);
  const until = graphiteTime(src, 'until', now, now);
  if (from >= until)
    throw badRequest(`from (${Math.round(from)}) must be before until (${Math.round(until)})`);
  return { from, until };
}

/** graphite-web answers `0`/`1` and `true`/`false` alike. */
export function flag(src: Source, name: string): boolean {
  const v = optionalString(src, name, 10);
  if (v === undefined) return false;
  if (['1', 'true'].includes(v.toLowerCase())) return true;
  if (['0', 'false'].includes(v.toLowerCase())) return false;
  throw badRequest(`${name}: expected 0, 1, true or false, got "${v}"`);
}

/** maxDataPoints; 0 (a query that set none) means no consolidation, as when the parameter is absent. */
export function optionalMaxDataPoints(src: Source): number | undefined {
  return optionalInt(src, 'maxDataPoints', 0, 1_000_000) || undefined;
}
