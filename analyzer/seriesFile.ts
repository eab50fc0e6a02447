import fs from 'node:fs';
import type { Series } from '../core/store/store.js';
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

/**
 * Reads a `timestamp,value` CSV (a header line is allowed; blank lines are skipped) as rows in file
 * order, repeated and out-of-order timestamps included: `kale replay` writes one row per row read.
 */
export function readSeriesCsv(file: string): Series {
  let text: string;
  try {
    text = fs.readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    throw new SeriesFileError(`${file}: ${(err as Error).message}`);
  }
  const points: Array<[number, number]> = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const [a, b] = line.split(',');
    const ts = Number(a);
    const v = Number(b);
    if (!Number.isFinite(ts) || b === undefined) {
      if (i === 0) return; // header
      throw new SeriesFileError(`${file}:${i + 1}: expected timestamp,value`);
    }
    points.push([ts, v]);
  });
  return {
    timestamps: Float64Array.from(points, (p) => p[0]),
    values: Float64Array.from(points, (p) => p[1]),
  };
}
