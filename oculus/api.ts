/**
 * Oculus's public API: what the webapp (and anything else outside oculus/) imports. Nothing else in
 * oculus/ is meant to be imported from outside.
 *
 *   const oculus = openOculus(config, store);
 *   const res = await oculus.similar('web.latency.p99', { scorer: 'dtw', k: 20, window: '1h', exclude: 'staging' });
 *   const drawn = await oculus.byValues([0, 0, 1, 5, 1, 0], { over: 'all' });
 *   await oculus.close();
 *
 * Errors: UnknownMetricError → 404, ShapeQueryError → 400 (its message names the bad option),
 * ShapeIndexUnavailableError → 503 (Elasticsearch down or refusing). Options arrive as strings or
 * numbers (query string, JSON body, CLI flags) and are validated by resolveSearchOptions.
 */
import { timedSearch } from '../core/metrics/oculusMetrics.js';
import type { KaleConfig } from '../core/config/schema.js';
import type { CollectionStore, WindowStore } from '../core/store/store.js';
import { importShapes, type ImportResult } from './importer.js';
import { openShapeIndex } from './index/openShapeIndex.js';
import type { ShapeIndex } from './index/shapeIndex.js';
import type { SearchOptions } from './search/options.js';
import {
  searchByValues,
  searchSimilar,
  type SearchDeps,
  type SimilarResponse,
} from './search/searchShapes.js';

export { ShapeIndexUnavailableError, ShapeQueryError, UnknownMetricError } from './errors.js';
export { importShapes, type ImportResult, type ImportStats } from './importer.js';
export { openShapeIndex } from './index/openShapeIndex.js';
export type { ShapeIndex } from './index/shapeIndex.js';
export {
  DEFAULTS as SEARCH_DEFAULTS,
  MAX_K,
  resolveSearchOptions,
  type ResolvedSearchOptions,
  type SearchOptions,
} from './search/options.js';
export { SCORERS, type ScorerName } from './search/scorer.js';
export {
  searchByValues,
  searchSimilar,
  type SearchDeps,
  type SimilarMatch,
  type SimilarResponse,
} from './search/searchShapes.js';
export { SHAPE_WINDOWS, type ShapeWindow } from './shapes/windows.js';

export interface Oculus {
  readonly index: ShapeIndex;
  /** Shapes like the named metric's recent window (excluding the metric itself). */
  similar(name: string, options?: SearchOptions): Promise<SimilarResponse>;
  /** Shapes like a drawn or posted sequence of values (null = gap). */
  byValues(values: ReadonlyArray<number>, options?: SearchOptions): Promise<SimilarResponse>;
  /** One import pass now (the `kale oculus` service does this every `oculus.interval` seconds). */
  importNow(): Promise<ImportResult>;
  close(): Promise<void>;
}

/** Opens the configured shape index (Elasticsearch if `elasticsearch.url`, else embedded). */
export function openOculus(config: KaleConfig, store: WindowStore & CollectionStore): Oculus {
  const index = openShapeIndex(config);
  const deps: SearchDeps = { index, store, paaDims: config.oculus.paaDims };
  return {
    index,
    similar: (name, options) => timedSearch('similar', searchSimilar(deps, name, options)),
    byValues: (values, options) => timedSearch('values', searchByValues(deps, values, options)),
    importNow: () => importShapes(config, store, index),
    close: () => index.close(),
  };
}
