import fs from 'node:fs';
import path from 'node:path';

/** One labelled series (DESIGN §11): `timestamp,value,label` rows in time order. */
export interface LabelledSeries {
  readonly file: string;
  /** File prefix before `__`, or the whole name without `.csv`. */
  readonly domain: string;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
  readonly labels: Uint8Array;
}

export function readLabelledCsv(file: string): LabelledSeries {
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/);
  const header = lines[0].split(',').map((h) => h.trim().toLowerCase());
  const [ti, vi, li] = ['timestamp', 'value', 'label'].map((c) => header.indexOf(c));
  if (ti < 0 || vi < 0 || li < 0) throw new Error(`${file}: expected a header with timestamp,value,label, got "${lines[0]}"`);
  const ts: number[] = [];
  const vs: number[] = [];
  const ls: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const cols = lines[i].split(',');
    const t = Number(cols[ti]);
    const v = Number(cols[vi]);
    const l = Number(cols[li]);
    if (!Number.isFinite(t) || !Number.isFinite(v) || (l !== 0 && l !== 1)) throw new Error(`${file}:${i + 1}: bad row "${lines[i]}"`);
    if (ts.length && t <= ts[ts.length - 1]) throw new Error(`${file}:${i + 1}: timestamps must increase`);
    ts.push(t);
    vs.push(v);
    ls.push(l);
  }
  const base = path.basename(file, '.csv');
  const cut = base.indexOf('__');
  return {
    file: path.basename(file),
    domain: cut > 0 ? base.slice(0, cut) : base,
    timestamps: Float64Array.from(ts),
    values: Float64Array.from(vs),
    labels: Uint8Array.from(ls),
  };
}

/** Every `*.csv` in `dir`, sorted by name. */
export function labelledFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.csv')).sort().map((f) => path.join(dir, f));
}
