import type { Collection, CollectionStore, WindowStore } from '../../core/store/store.js';
import { ShapeIndexUnavailableError, ShapeQueryError, UnknownMetricError } from '../errors.js';
import { isExcluded, levelScore, type Exclusions, type ShapeIndex } from '../index/shapeIndex.js';
import { shapeFromDrawn, shapeFromSeries, type Shape } from '../shapes/shape.js';
import { collectionShape } from './collections.js';
import { resolveSearchOptions, type ResolvedSearchOptions, type SearchOptions } from './options.js';
import { ShapeScorer } from './scorer.js';
import { TopK } from './topK.js';

export interface SearchDeps {
  readonly index: ShapeIndex;
  readonly store: WindowStore & CollectionStore;
  readonly paaDims: number;
}

/** One ranked result, ready to plot next to the query. */
export interface SimilarMatch {
  readonly kind: 'metric' | 'collection';
  /** Metric name (for a collection, the metric it was saved from). */
  readonly name: string;
  readonly collection?: { readonly id: string; readonly title: string; readonly description: string };
  /** Distance between z-normalised shapes (square root of the squared sum; lower is closer). For
   *  flat shapes, the absolute difference of levels. */
  readonly distance: number;
  readonly flat: boolean;
  /** Epoch seconds of the first value; values are `step` seconds apart. */
  readonly start: number;
  readonly step: number;
  /** Resampled values in the metric's own units. */
  readonly values: number[];
  /** Z-normalised values: overlay these on the query's `z`. */
  readonly z: number[];
}

export interface SimilarResponse {
  readonly query: {
    readonly name: string | null;
    readonly flat: boolean;
    readonly start: number;
    readonly step: number;
    readonly values: number[];
    readonly z: number[];
  };
  readonly options: ResolvedSearchOptions;
  readonly matches: SimilarMatch[];
  readonly backend: 'embedded' | 'elasticsearch';
  /** Exact distances computed (the rest were pruned by lower bounds). */
  readonly examined: number;
  readonly tookMs: number;
}

/** Shapes like the named metric's recent window. Throws UnknownMetricError, ShapeQueryError. */
export async function searchSimilar(
  deps: SearchDeps,
  name: string,
  options: SearchOptions = {},
): Promise<SimilarResponse> {
  const opts = resolveSearchOptions(options);
  const started = performance.now();
  const shape = await queryShapeByName(deps, name, opts);
  return runSearch(deps, shape, name, opts, started);
}

/** Shapes like a drawn or posted sequence of values (any length ≥ 2, stretched onto the window). */
export async function searchByValues(
  deps: SearchDeps,
  values: ReadonlyArray<number>,
  options: SearchOptions = {},
): Promise<SimilarResponse> {
  const opts = resolveSearchOptions(options);
  const started = performance.now();
  if (!Array.isArray(values) || values.length < 2)
    throw new ShapeQueryError('values: expected an array of at least 2 numbers');
  if (values.some((v) => typeof v !== 'number' && v !== null))
    throw new ShapeQueryError('values: every value must be a number (or null for a gap)');
  const shape = shapeFromDrawn(
    values.map((v) => v ?? NaN),
    opts.window,
    deps.paaDims,
  );
  if (!shape) throw new ShapeQueryError('values: no finite number among them');
  return runSearch(deps, shape, null, opts, started);
}

async function queryShapeByName(deps: SearchDeps, name: string, opts: ResolvedSearchOptions): Promise<Shape> {
  const indexed = await guard(() => deps.index.get(opts.window, name));
  if (indexed) return indexed;
  // Not indexed (yet): take its window straight from the Store.
  const [series] = await deps.store.readWindows([name]);
  if (!series) throw new UnknownMetricError(name);
  const shape = shapeFromSeries(name, series, opts.window, deps.paaDims);
  if (!shape)
    throw new ShapeQueryError(
      `metric "${name}" has too little data in its last ${opts.window} to have a shape`,
    );
  return shape;
}

async function runSearch(
  deps: SearchDeps,
  shape: Shape,
  name: string | null,
  opts: ResolvedSearchOptions,
  started: number,
): Promise<SimilarResponse> {
  const exclude: Exclusions = { names: name ? [name] : [], segments: opts.exclude };
  const scoring = { scorer: opts.scorer, band: opts.band, radius: opts.radius };
  const top = new TopK<SimilarMatch>(opts.k);
  let examined = 0;
  if (opts.over !== 'collections') {
    const result = await guard(() => deps.index.search(opts.window, { shape, k: opts.k, scoring, exclude }));
    examined += result.examined;
    for (const hit of result.hits) top.offer(hit.score, toMatch('metric', hit.shape, hit.score));
  }
  if (opts.over !== 'metrics') {
    const collections = await deps.store.listCollections();
    const scorer = shape.flat ? null : new ShapeScorer(shape.z, shape.paa, scoring);
    for (const c of collections) {
      const cs = collectionShape(c, opts.window, deps.paaDims);
      if (!cs || cs.flat !== shape.flat || isExcluded(c.metric, { names: [], segments: exclude.segments }))
        continue;
      examined++;
      const score = scorer ? scorer.exact(cs.z) : levelScore(shape, cs.stats.mean);
      top.offer(score, toMatch('collection', cs, score, c));
    }
  }
  return {
    query: {
      name,
      flat: shape.flat,
      start: shape.start,
      step: shape.step,
      values: Array.from(shape.raw),
      z: Array.from(shape.z),
    },
    options: opts,
    matches: top.sorted().map(({ item }) => item),
    backend: deps.index.kind,
    examined,
    tookMs: performance.now() - started,
  };
}

function toMatch(kind: SimilarMatch['kind'], s: Shape, score: number, c?: Collection): SimilarMatch {
  return {
    kind,
    name: s.name,
    ...(c ? { collection: { id: c.id, title: c.title, description: c.description } } : {}),
    distance: Math.sqrt(score),
    flat: s.flat,
    start: s.start,
    step: s.step,
    values: Array.from(s.raw),
    z: Array.from(s.z),
  };
}

/** Index failures other than our own typed errors mean the backend is unreachable or broken. */
async function guard<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (
      err instanceof ShapeQueryError ||
      err instanceof ShapeIndexUnavailableError ||
      err instanceof RangeError
    )
      throw err;
    throw new ShapeIndexUnavailableError(`shape index unavailable: ${(err as Error).message}`);
  }
}
