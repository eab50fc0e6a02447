import type { ShapeChunks } from '../shapeChunks.js';
import type { Shape } from '../shapes/shape.js';
import type { ShapeWindow } from '../shapes/windows.js';
import type { ScorerOptions } from '../search/scorer.js';

/** Names a search must leave out: exact names (the query metric) and any name with an excluded segment. */
export interface Exclusions {
  readonly names: readonly string[];
  /** Dot-separated name segments, e.g. `['staging']` drops `web.staging.latency`. */
  readonly segments: readonly string[];
}

export interface ShapeQuery {
  readonly shape: Shape;
  readonly k: number;
  readonly scoring: ScorerOptions;
  readonly exclude: Exclusions;
}

export interface ShapeHit {
  /** Squared distance (shape queries) or squared level difference (flat queries). */
  readonly score: number;
  readonly shape: Shape;
}

export interface ShapeSearchResult {
  readonly hits: ShapeHit[];
  /** Candidates whose exact distance was computed (the rest were pruned or never fetched). */
  readonly examined: number;
}

/** Where shapes live: Elasticsearch, or the embedded in-process index. */
export interface ShapeIndex {
  readonly kind: 'embedded' | 'elasticsearch';
  /** Replaces every shape of a window at once (a full import), from chunks that may still be being built. */
  replace(window: ShapeWindow, shapes: ShapeChunks): Promise<void>;
  get(window: ShapeWindow, name: string): Promise<Shape | null>;
  count(window: ShapeWindow): Promise<number>;
  /** The k nearest non-excluded shapes, exact scores; flat queries match flat shapes by level. */
  search(window: ShapeWindow, query: ShapeQuery): Promise<ShapeSearchResult>;
  close(): Promise<void>;
}

export function isExcluded(name: string, exclude: Exclusions): boolean {
  if (exclude.names.includes(name)) return true;
  if (exclude.segments.length === 0) return false;
  return name.split('.').some((seg) => exclude.segments.includes(seg));
}

/** Shapes of flat windows have no z to compare: rank them by how close their level is. */
export function levelScore(query: Shape, candidateMean: number): number {
  return (query.stats.mean - candidateMean) ** 2;
}
