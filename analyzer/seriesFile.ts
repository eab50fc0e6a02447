import fs from 'node:fs';
import type { Series } from '../core/store/store.js';
import { parseFileTimestamp } from '../core/time.js';
import { seriesFromPoints } from './series.js';

export class SeriesFileError extends Error {}

/** Reads `[[ts, v], …]` or Skyline's `{"results": [[ts, v], …]}` from a file ('-' = stdin). */
export function readSeriesJson(file: string): Series {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file === '-' ? 0 : file, 'utf8'));
  } catch (err) {
    throw new SeriesFileError(`${file}: ${(err as Error).message}`);
  }
  const list = Array.isArray(raw) ? raw : (raw as { results?: unknown })?.results;
  if (!Array.isArray(list))
    throw new SeriesFileError(`${file}: expected [[ts, value], …] or {"results": [[ts, value], …]}`);
  const points: Array<[number, number]> = [];
  list.forEach((p, i) => {
    if (!Array.isArray(p) || p.length < 2)
      throw new SeriesFileError(`${file}: item ${i} is not a [ts, value] pair`);
    const ts = Number(p[0]);
    const v = p[1] === null ? NaN : Number(p[1]);
    if (!Number.isFinite(ts)) throw new SeriesFileError(`${file}: item ${i} has a non-numeric timestamp`);
    points.push([ts, v]);
  });
  return seriesFromPoints(points);
}

/** Value texts that mean "no value" (a gap), as exports write them. */
const GAP_VALUES = new Set(['', 'null', 'none', 'nan']);

/**
 * Reads a `timestamp,value` CSV as rows in file order, repeated and out-of-order timestamps included:
 * `kale replay` writes one row per row read. Timestamps are epoch seconds or milliseconds or ISO 8601
 * (`2014-04-01 00:05:00`, UTC unless it carries an offset). A first line that is not data is a header;
 * when it names `timestamp` (or `time`, `ts`) and `value` columns those are read, so
 * `timestamp,value,label` files work too. An empty or `null` value is a gap (NaN). Blank lines are skipped.
 */
export function readSeriesCsv(file: string): Series {
  let text: string;
  try {
    text = fs.readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    throw new SeriesFileError(`${file}: ${(err as Error).message}`);
  }
  const timestamps: number[] = [];
  const values: number[] = [];
  let tsCol = 0;
  let valueCol = 1;
  let first = true;
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const fields = line.split(',').map((f) => f.trim().replace(/^"(.*)"$/, '$1'));
    const ts = parseFileTimestamp(fields[tsCol]);
    if (first) {
      first = false;
      if (ts === undefined) {
        const names = fields.map((f) => f.toLowerCase());
        const t = names.findIndex((n) => n === 'timestamp' || n === 'time' || n === 'ts');
        if (t >= 0) tsCol = t;
        if (names.includes('value')) valueCol = names.indexOf('value');
        return;
      }
    }
    const raw = fields[valueCol];
    const value = raw !== undefined && GAP_VALUES.has(raw.toLowerCase()) ? NaN : Number(raw);
    if (ts === undefined || raw === undefined || (Number.isNaN(value) && !GAP_VALUES.has(raw.toLowerCase())))
      throw new SeriesFileError(
        `${file}:${i + 1}: expected timestamp,value (epoch seconds or ISO 8601, then a number), got ${JSON.stringify(line.slice(0, 80))}`,
      );
    timestamps.push(ts);
    values.push(value);
  });
  return { timestamps: Float64Array.from(timestamps), values: Float64Array.from(values) };
}
