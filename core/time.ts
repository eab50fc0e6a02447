/** Relative and absolute time expressions, all UTC, resolved to epoch seconds. */

const UNIT_SECONDS: Record<string, number> = {
  s: 1,
  sec: 1,
  secs: 1,
  second: 1,
  seconds: 1,
  m: 60,
  min: 60,
  mins: 60,
  minute: 60,
  minutes: 60,
  h: 3600,
  hour: 3600,
  hours: 3600,
  d: 86400,
  day: 86400,
  days: 86400,
  w: 604800,
  week: 604800,
  weeks: 604800,
  mon: 2592000,
  month: 2592000,
  months: 2592000,
  y: 31536000,
  year: 31536000,
  years: 31536000,
};

export class TimeParseError extends Error {}

const startOfDay = (t: number) => Math.floor(t / 86400) * 86400;

/** Parses `now`, `today`, `yesterday`, `5 days ago`, `-2h`, `last week`, epoch seconds or ISO 8601. */
export function parseTime(expr: string, now = Date.now() / 1000): number {
  const s = expr.trim().toLowerCase();
  if (s === '') throw new TimeParseError('empty time');
  if (s === 'now') return now;
  if (s === 'today') return startOfDay(now);
  if (s === 'yesterday') return startOfDay(now) - 86400;
  if (/^-?\d+(\.\d+)?$/.test(s) && !s.startsWith('-')) return Number(s);
  let m = /^-\s*(\d+(?:\.\d+)?)\s*([a-z]+)$/.exec(s);
  if (m && UNIT_SECONDS[m[2]]) return now - Number(m[1]) * UNIT_SECONDS[m[2]];
  m = /^(\d+(?:\.\d+)?)\s*([a-z]+)\s+ago$/.exec(s);
  if (m && UNIT_SECONDS[m[2]]) return now - Number(m[1]) * UNIT_SECONDS[m[2]];
  m = /^(?:last|a|an|one)\s+([a-z]+)(?:\s+ago)?$/.exec(s);
  if (m && UNIT_SECONDS[m[1]]) return now - UNIT_SECONDS[m[1]];
  const iso = isoSeconds(expr.trim());
  if (iso !== undefined) return iso;
  throw new TimeParseError(
    `cannot parse time "${expr}" (try now, today, yesterday, "5 days ago", -2h, last week, epoch seconds or ISO 8601)`,
  );
}

/** Parses a duration like `60`, `90s`, `1h`, `1d`, `1w` into seconds. */
export function parseDuration(expr: string | number): number {
  if (typeof expr === 'number') return expr;
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/.exec(expr.trim().toLowerCase());
  if (m && (m[2] === '' || UNIT_SECONDS[m[2]])) return Number(m[1]) * (m[2] ? UNIT_SECONDS[m[2]] : 1);
  throw new TimeParseError(`cannot parse duration "${expr}" (try 60, 90s, 5m, 1h, 1d, 1w)`);
}

/** Epoch seconds of an ISO 8601 date or date-time (UTC unless it carries an offset), else undefined. */
function isoSeconds(s: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}/.test(s)) return undefined;
  const ms = Date.parse(/[zZ]$|[+-]\d{2}:?\d{2}$/.test(s) || s.length === 10 ? s : `${s}Z`);
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

/**
 * Epoch seconds of a timestamp read from a file: epoch seconds, epoch milliseconds (recognised by
 * size), or an ISO 8601 date such as `2014-04-01 00:05:00` (UTC unless it carries an offset).
 * Relative words like "now" make no sense in a file and are refused (undefined).
 */
export function parseFileTimestamp(raw: unknown): number | undefined {
  if (typeof raw === 'number')
    return Number.isFinite(raw) && raw > 0 ? (raw > 1e11 ? raw / 1000 : raw) : undefined;
  if (typeof raw !== 'string') return undefined;
  const s = raw.trim().replace(/^"(.*)"$/, '$1');
  if (/^\d+(\.\d+)?$/.test(s)) return parseFileTimestamp(Number(s));
  return isoSeconds(s);
}
