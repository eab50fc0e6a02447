import fs from 'node:fs';
import path from 'node:path';
import { bandRadius } from '../../oculus/distances/band.js';
import { cdtw } from '../../oculus/distances/cdtw.js';
import { squaredEuclidean } from '../../oculus/distances/euclidean.js';
import { fastDtw } from '../../oculus/distances/fastdtw.js';
import { envelope, lbKeogh, lbKim } from '../../oculus/distances/lowerBounds.js';

/**
 * 1-NN classification on a UCR-format dataset, the archive's way: raw values (no normalisation),
 * squared point costs, the training set as reference, the first training series winning a tie.
 */
export interface Labelled {
  readonly label: string;
  readonly values: Float64Array;
}

export interface UcrSet {
  readonly train: Labelled[];
  readonly test: Labelled[];
}

/** `DIR/NAME` → `DIR/NAME/NAME_TRAIN.tsv` and `_TEST.tsv` (or `DIR/NAME_TRAIN.tsv` beside it). */
export function loadUcr(dirName: string): UcrSet {
  const name = path.basename(dirName);
  const inside = path.join(dirName, `${name}_TRAIN.tsv`);
  const base = fs.existsSync(inside) ? dirName : path.dirname(dirName);
  return {
    train: parseUcr(path.join(base, `${name}_TRAIN.tsv`)),
    test: parseUcr(path.join(base, `${name}_TEST.tsv`)),
  };
}

export function parseUcr(file: string): Labelled[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((line, i) => {
      if (!line.trim()) return [];
      const cols = line.trim().split(/[\t,\s]+/);
      const values = Float64Array.from(cols.slice(1), Number);
      if (values.length === 0 || values.some((v) => !Number.isFinite(v)))
        throw new Error(`${file}:${i + 1}: expected a label then numbers`);
      return [{ label: String(Number(cols[0])), values }];
    });
}

/** A distance from one query, abandoning at the best-so-far (returns ≥ bsf when it cannot win). */
export type Measure = (query: Float64Array) => (candidate: Float64Array, bsf: number) => number;

export const euclideanMeasure: Measure = (q) => (c, bsf) => squaredEuclidean(q, c, bsf);

/** Banded DTW behind LB_Kim → LB_Keogh; radius ≥ length − 1 is full DTW. */
export function cdtwMeasure(radius: number): Measure {
  return (q) => {
    const env = envelope(q, radius);
    return (c, bsf) => {
      if (lbKim(q, c) >= bsf) return Infinity;
      if (lbKeogh(env, c, bsf) >= bsf) return Infinity;
      return cdtw(q, c, radius, bsf);
    };
  };
}

export function fastDtwMeasure(radius: number): Measure {
  return (q) => (c) => fastDtw(q, c, radius).distance;
}

/** The index of the nearest reference (first wins ties), skipping `skip` (leave-one-out). */
export function nearest(q: Float64Array, refs: ReadonlyArray<Labelled>, measure: Measure, skip = -1): number {
  const dist = measure(q);
  let best = -1,
    bsf = Infinity;
  for (let i = 0; i < refs.length; i++) {
    if (i === skip) continue;
    const d = dist(refs[i].values, bsf);
    if (d < bsf) {
      bsf = d;
      best = i;
    }
  }
  return best;
}

export function errorRate(set: UcrSet, measure: Measure): number {
  let wrong = 0;
  for (const t of set.test) if (set.train[nearest(t.values, set.train, measure)].label !== t.label) wrong++;
  return wrong / set.test.length;
}

function looErrors(train: ReadonlyArray<Labelled>, measure: Measure): number {
  let wrong = 0;
  train.forEach((t, i) => {
    if (train[nearest(t.values, train, measure, i)].label !== t.label) wrong++;
  });
  return wrong;
}

/**
 * The archive's learned window: leave-one-out 1-NN error on the training set for every whole
 * percentage 0–20, the smallest window among the best. Percentages that give the same radius give
 * the same answer, so each radius is evaluated once.
 */
export function learnWindow(train: ReadonlyArray<Labelled>, maxPct = 20): number {
  const length = train[0].values.length;
  const byRadius = new Map<number, number>();
  let bestPct = 0,
    bestErr = Infinity;
  for (let pct = 0; pct <= maxPct; pct++) {
    const r = bandRadius(pct, length);
    let err = byRadius.get(r);
    if (err === undefined) {
      err = looErrors(train, cdtwMeasure(r));
      byRadius.set(r, err);
    }
    if (err < bestErr) {
      bestErr = err;
      bestPct = pct;
    }
  }
  return bestPct;
}

export interface UcrResult {
  euclidean: number;
  dtw: number;
  cdtw: number;
  window: number;
}

export function ucrErrors(set: UcrSet, windowPct?: number): UcrResult {
  const length = set.train[0].values.length;
  const window = windowPct ?? learnWindow(set.train);
  return {
    euclidean: errorRate(set, euclideanMeasure),
    dtw: errorRate(set, cdtwMeasure(length)),
    cdtw: errorRate(set, cdtwMeasure(bandRadius(window, length))),
    window,
  };
}

export interface FastDtwFigures {
  /** Mean of (FastDTW − DTW) / DTW over test × train pairs (Salvador & Chan's error measure), percent. */
  distance_error_pct: number;
  /** 1-NN error rate with FastDTW as the distance. */
  nn_error: number;
  /** Time of the 1-NN pass over the sample. */
  ms: number;
}

/**
 * FastDTW against full DTW at each radius, on the first `sample` test series, with the time of the
 * same 1-NN pass by cDTW at `windowPct` (its LB_Kim → LB_Keogh cascade and early abandoning on).
 */
export function fastDtwFigures(
  set: UcrSet,
  radii: readonly number[],
  sample: number,
  windowPct: number,
): { cdtw_ms: number; cdtw_nn_error: number } & Record<string, FastDtwFigures | number> {
  const test = set.test.slice(0, sample);
  const subset = { train: set.train, test };
  const length = set.train[0].values.length;
  const exact = test.map((t) => set.train.map((r) => cdtw(t.values, r.values, length)));
  const cdtwStarted = performance.now();
  const cdtwError = errorRate(subset, cdtwMeasure(bandRadius(windowPct, length)));
  const out: { cdtw_ms: number; cdtw_nn_error: number } & Record<string, FastDtwFigures | number> = {
    cdtw_ms: performance.now() - cdtwStarted,
    cdtw_nn_error: cdtwError,
  };
  for (const radius of radii) {
    let relSum = 0,
      pairs = 0;
    test.forEach((t, i) =>
      set.train.forEach((r, j) => {
        const d = exact[i][j];
        if (d > 0) {
          relSum += (fastDtw(t.values, r.values, radius).distance - d) / d;
          pairs++;
        }
      }),
    );
    const started = performance.now();
    const nnError = errorRate(subset, fastDtwMeasure(radius));
    out[`r${radius}`] = {
      distance_error_pct: (100 * relSum) / pairs,
      nn_error: nnError,
      ms: performance.now() - started,
    };
  }
  return out;
}
