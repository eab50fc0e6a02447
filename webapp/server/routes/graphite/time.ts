/**
 * Graphite's `from` / `until` (graphite-web's attime): `now`, `now-1h`, `-7d`, `-5min`, `+1h`,
 * `HH:MM_YYYYMMDD`, `YYYYMMDD`, unix seconds; anything else core/time.ts reads (ISO 8601, today,
 * yesterday). All UTC: Kale keeps no server time zone.
 */
import { TimeParseError, parseDuration, parseTime } from '../../../../core/time.js';

/** `-1h30min`, `+2d`, `5min` → signed seconds (graphite's parseTimeOffset; `m` is read as minutes too). */
export function parseOffset(expr: string): number {
  const m = /^([+-])?((?:\s*\d+(?:\.\d+)?\s*[a-z]+)+)$/i.exec(expr.trim());
  if (!m) throw new TimeParseError(`cannot parse offset "${expr.slice(0, 50)}" (try -1h, -7d, 5min, 30s)`);
  let seconds = 0;
  for (const part of m[2].match(/\d+(?:\.\d+)?\s*[a-z]+/gi)!) seconds += parseDuration(part.toLowerCase());
  return m[1] === '-' ? -seconds : seconds;
}

/** A positive interval as summarize and movingAverage take it (`'1h'`, `'5min'`), in seconds. */
export function parseInterval(expr: string): number {
  const seconds = Math.abs(parseOffset(expr));
  // Whole seconds: steps combine by their least common multiple.
  if (!(seconds >= 1) || !Number.isSafeInteger(seconds))
    throw new TimeParseError(`interval "${expr.slice(0, 50)}" is not a whole number of seconds`);
  return seconds;
}

export function parseGraphiteTime(expr: string, now: number): number {
  const s = expr.trim();
  if (/^now$/i.test(s)) return now;
  const rel = /^now\s*([+-].*)$/i.exec(s);
  if (rel) return now + parseOffset(rel[1]);
  if (/^[+-]/.test(s)) return now + parseOffset(s);
  const hm = /^(\d{1,2}):(\d{2})_(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (hm) return calendar(Number(hm[3]), Number(hm[4]), Number(hm[5]), Number(hm[1]), Number(hm[2]), expr);
  const ymd = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  // graphite-web reads eight digits as a date when they make one, else as a timestamp.
  if (ymd && Number(ymd[1]) > 1900 && Number(ymd[1]) < 2100 && Number(ymd[2]) >= 1 && Number(ymd[2]) <= 12) {
    return calendar(Number(ymd[1]), Number(ymd[2]), Number(ymd[3]), 0, 0, expr);
  }
  return parseTime(s, now);
}

function calendar(y: number, mo: number, d: number, h: number, mi: number, expr: string): number {
  const ms = Date.UTC(y, mo - 1, d, h, mi);
  const back = new Date(ms);
  if (back.getUTCDate() !== d || back.getUTCMonth() !== mo - 1 || h > 23 || mi > 59)
    throw new TimeParseError(`"${expr.slice(0, 50)}" is not a valid date and time`);
  return ms / 1000;
}
