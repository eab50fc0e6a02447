/**
 * Parsers for the three history formats `kale import` reads. Each returns the points per metric and
 * every row it could not use, with its line number, instead of stopping at the first bad one.
 */
import path from 'node:path';
import type { Point } from '../../core/store/store.js';
import { parseFileTimestamp } from '../../core/time.js';
import { JsonSyntaxError, parseJsonWithLines } from './lineJson.js';

export type ImportFormat = 'csv' | 'graphite-json' | 'skyline-json';
export const IMPORT_FORMATS: readonly ImportFormat[] = ['csv', 'graphite-json', 'skyline-json'];

export interface BadRow {
  readonly line: number;
  readonly reason: string;
}

export interface ParsedFile {
  /** Points per metric name, in file order. */
  readonly series: Map<string, Point[]>;
  readonly bad: BadRow[];
  /** Rows whose value was empty or null (a gap, as Graphite writes it): skipped, not errors. */
  readonly empty: number;
}

/** `--format` when given; otherwise from the extension, then from the first character of the content. */
export function detectFormat(file: string, text: string): ImportFormat {
  if (file.toLowerCase().endsWith('.csv')) return 'csv';
  const first = text.trimStart()[0];
  if (first === '{') return 'skyline-json';
  if (first === '[') return /^\s*\[\s*\{/.test(text) ? 'graphite-json' : 'skyline-json';
  return 'csv';
}

/** The metric a file's points go to when it does not name its own: `--metric`, else the file name. */
export const defaultMetricName = (file: string) => path.basename(file).replace(/\.(csv|json|txt)$/i, '');

const EMPTY_VALUES = new Set(['', 'null', 'none', 'nan']);

/** A value, `null` for a gap, or undefined when it is not a number. */
function parseValue(raw: unknown): number | null | undefined {
  if (raw === null) return null;
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
  if (typeof raw !== 'string') return undefined;
  const s = raw.trim();
  if (EMPTY_VALUES.has(s.toLowerCase())) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

class Collector {
  readonly series = new Map<string, Point[]>();
  readonly bad: BadRow[] = [];
  empty = 0;

  /** Validates one `(ts, value)` row and files it under `name`, as a point, a gap or a bad row. */
  row(name: string, line: number, rawTs: unknown, rawValue: unknown): void {
    const ts = parseFileTimestamp(rawTs);
    if (ts === undefined) {
      this.bad.push({ line, reason: `bad timestamp ${JSON.stringify(rawTs)}` });
      return;
    }
    const value = parseValue(rawValue);
    if (value === undefined) {
      this.bad.push({ line, reason: `bad value ${JSON.stringify(rawValue)}` });
      return;
    }
    if (value === null) {
      this.empty++;
      return;
    }
    let points = this.series.get(name);
    if (!points) this.series.set(name, (points = []));
    points.push([ts, value]);
  }

  done(): ParsedFile {
    return { series: this.series, bad: this.bad, empty: this.empty };
  }
}

/**
 * `timestamp,value` rows. A first row that is not data is a header; when it names `timestamp` (or
 * `time`, `ts`) and `value` columns those are used, so `timestamp,value,label` files work too.
 */
export function parseCsv(text: string, metric: string): ParsedFile {
  const out = new Collector();
  const lines = text.split(/\r?\n/);
  let tsCol = 0,
    valueCol = 1,
    seenFirst = false;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (raw === '' || raw.startsWith('#')) continue;
    const fields = raw.split(',');
    if (!seenFirst) {
      seenFirst = true;
      if (parseFileTimestamp(fields[0]) === undefined && fields.length >= 2) {
        const names = fields.map((f) => f.trim().toLowerCase().replace(/^"|"$/g, ''));
        const t = names.findIndex((n) => n === 'timestamp' || n === 'time' || n === 'ts');
        const v = names.indexOf('value');
        if (t >= 0) tsCol = t;
        if (v >= 0) valueCol = v;
        continue;
      }
    }
    if (fields.length <= Math.max(tsCol, valueCol)) {
      out.bad.push({
        line: i + 1,
        reason: `expected timestamp,value, got ${JSON.stringify(raw.slice(0, 80))}`,
      });
      continue;
    }
    out.row(metric, i + 1, fields[tsCol], fields[valueCol]);
  }
  return out.done();
}

/** Graphite's render API output: `[{target, datapoints: [[value, ts], …]}, …]`. */
export function parseGraphiteJson(text: string, metric: string | undefined): ParsedFile {
  const out = new Collector();
  const parsed = parseJsonFile(text, out);
  if (!parsed) return out.done();
  const { value, elementLines } = parsed;
  if (!Array.isArray(value)) {
    out.bad.push({ line: 1, reason: 'expected a JSON array of {target, datapoints}' });
    return out.done();
  }
  if (metric !== undefined && value.length > 1) {
    out.bad.push({ line: 1, reason: `--metric names one metric but the file holds ${value.length} targets` });
    return out.done();
  }
  const targetLines = elementLines.get(value)!;
  value.forEach((entry, i) => {
    const e = entry as { target?: unknown; datapoints?: unknown } | null;
    if (!e || typeof e !== 'object' || typeof e.target !== 'string' || !Array.isArray(e.datapoints)) {
      out.bad.push({
        line: targetLines[i],
        reason: 'expected {"target": NAME, "datapoints": [[value, ts], …]}',
      });
      return;
    }
    const lines = elementLines.get(e.datapoints)!;
    e.datapoints.forEach((dp, j) => {
      if (!Array.isArray(dp) || dp.length !== 2)
        out.bad.push({ line: lines[j], reason: `expected [value, timestamp], got ${JSON.stringify(dp)}` });
      else out.row(metric ?? (e.target as string), lines[j], dp[1], dp[0]);
    });
  });
  return out.done();
}

/** Skyline's `/api?metric=` output `{"results": [[ts, value], …]}`, or the bare list. */
export function parseSkylineJson(text: string, metric: string): ParsedFile {
  const out = new Collector();
  const parsed = parseJsonFile(text, out);
  if (!parsed) return out.done();
  const { value, elementLines } = parsed;
  const results = Array.isArray(value) ? value : (value as { results?: unknown } | null)?.results;
  if (!Array.isArray(results)) {
    out.bad.push({ line: 1, reason: 'expected {"results": [[timestamp, value], …]}' });
    return out.done();
  }
  const lines = elementLines.get(results)!;
  results.forEach((dp, j) => {
    if (!Array.isArray(dp) || dp.length !== 2)
      out.bad.push({ line: lines[j], reason: `expected [timestamp, value], got ${JSON.stringify(dp)}` });
    else out.row(metric, lines[j], dp[0], dp[1]);
  });
  return out.done();
}

function parseJsonFile(text: string, out: Collector) {
  try {
    return parseJsonWithLines(text);
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    out.bad.push({ line: err.line, reason: `invalid JSON: ${err.message}` });
    return undefined;
  }
}

export function parseHistory(
  format: ImportFormat,
  text: string,
  file: string,
  metric: string | undefined,
): ParsedFile {
  switch (format) {
    case 'csv':
      return parseCsv(text, metric ?? defaultMetricName(file));
    case 'graphite-json':
      return parseGraphiteJson(text, metric);
    case 'skyline-json':
      return parseSkylineJson(text, metric ?? defaultMetricName(file));
  }
}
