import fs from 'node:fs';
import path from 'node:path';
import { parseFileTimestamp } from '../../core/time.js';

/** One labelled series: `timestamp,value,label` rows in time order (epoch or ISO 8601 timestamps). */
export interface LabelledSeries {
  readonly file: string;
  /**
   * File prefix before `__` (`<domain>__<series>.csv`, as in anomaly-dev); for names without `__`,
   * the anomaly kind of `<baseline>_<kind>_anomaly.csv` (anomaly-synthetic: spike, dip, level…);
   * otherwise the whole name without `.csv`.
   */
  readonly domain: string;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
  readonly labels: Uint8Array;
}

export function readLabelledCsv(file: string): LabelledSeries {
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/);
  const header = lines[0].split(',').map((h) => h.trim().toLowerCase());
  const [ti, vi, li] = ['timestamp', 'value', 'label'].map((c) => header.indexOf(c));
  if (ti < 0 || vi < 0 || li < 0)
    throw new Error(`${file}: expected a header with timestamp,value,label, got "${lines[0]}"`);
  const ts: number[] = [];
  const vs: number[] = [];
  const ls: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const cols = lines[i].split(',');
    const t = parseFileTimestamp(cols[ti]) ?? NaN;
    const v = Number(cols[vi]);
    const l = Number(cols[li]);
    if (!Number.isFinite(t) || !Number.isFinite(v) || (l !== 0 && l !== 1))
      throw new Error(`${file}:${i + 1}: bad row "${lines[i]}"`);
    if (ts.length && t <= ts[ts.length - 1]) throw new Error(`${file}:${i + 1}: timestamps must increase`);
    ts.push(t);
    vs.push(v);
    ls.push(l);
  }
  return {
    file: path.basename(file),
    domain: domainOf(path.basename(file, '.csv')),
    timestamps: Float64Array.from(ts),
    values: Float64Array.from(vs),
    labels: Uint8Array.from(ls),
  };
}

function domainOf(base: string): string {
  const cut = base.indexOf('__');
  if (cut > 0) return base.slice(0, cut);
  const kind = /_([^_]+)_anomaly$/.exec(base);
  return kind ? kind[1] : base;
}

/** Every `*.csv` in `dir`, sorted by name. */
export function labelledFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.csv'))
    .sort()
    .map((f) => path.join(dir, f));
}

/**
 * `--files`: a pattern with `*` matches whole file names (`*` = any run of characters); without `*`
 * it matches any name that contains it.
 */
export function fileNameMatcher(pattern: string): (file: string) => boolean {
  if (!pattern.includes('*')) return (file) => path.basename(file).includes(pattern);
  const pieces = pattern.split('*');
  const first = pieces[0];
  const last = pieces[pieces.length - 1];
  return (file) => {
    const name = path.basename(file);
    if (name.length < first.length + last.length || !name.startsWith(first) || !name.endsWith(last))
      return false;
    // Each middle piece at its leftmost place after the previous one: if any placement fits, that one does.
    let at = first.length;
    const end = name.length - last.length;
    for (const piece of pieces.slice(1, -1)) {
      const found = name.indexOf(piece, at);
      if (found < 0 || found + piece.length > end) return false;
      at = found + piece.length;
    }
    return true;
  };
}
