import { ShapeQueryError } from '../errors.js';
import { isShapeWindow, type ShapeWindow } from '../shapes/windows.js';
import { SCORERS, type ScorerName } from './scorer.js';

/** What a caller may ask of a similarity search; every field optional (see DEFAULTS). */
export interface SearchOptions {
  k?: number | string;
  scorer?: ScorerName | string;
  window?: ShapeWindow | string;
  /** dtw: Sakoe–Chiba band, percent of the window length. */
  band?: number | string;
  /** fastdtw: radius r. */
  radius?: number | string;
  /** Name segments to leave out: an array or a comma-separated string. */
  exclude?: readonly string[] | string;
  /** Search stored metrics, saved collections, or both. */
  over?: 'metrics' | 'collections' | 'all' | string;
}

export interface ResolvedSearchOptions {
  readonly k: number;
  readonly scorer: ScorerName;
  readonly window: ShapeWindow;
  readonly band: number;
  readonly radius: number;
  readonly exclude: readonly string[];
  readonly over: 'metrics' | 'collections' | 'all';
}

export const DEFAULTS: ResolvedSearchOptions = {
  k: 20,
  scorer: 'euclidean',
  window: '1h',
  band: 10,
  radius: 10,
  exclude: [],
  over: 'metrics',
};
export const MAX_K = 500;

/**
 * Validates options from a query string, JSON body or CLI flags (strings or numbers) and fills in
 * defaults. Throws ShapeQueryError naming the bad option.
 */
export function resolveSearchOptions(raw: SearchOptions = {}): ResolvedSearchOptions {
  const num = (key: string, v: unknown, min: number, max: number, integer: boolean): number | undefined => {
    if (v === undefined || v === '') return undefined;
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isFinite(n) || n < min || n > max || (integer && !Number.isInteger(n))) {
      throw new ShapeQueryError(
        `${key}: expected ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got "${String(v)}"`,
      );
    }
    return n;
  };
  const scorer = raw.scorer ?? DEFAULTS.scorer;
  if (!SCORERS.includes(scorer as ScorerName))
    throw new ShapeQueryError(`scorer: expected one of ${SCORERS.join(', ')}, got "${scorer}"`);
  const window = raw.window ?? DEFAULTS.window;
  if (!isShapeWindow(window)) throw new ShapeQueryError(`window: expected 1h or 24h, got "${window}"`);
  const over = raw.over ?? DEFAULTS.over;
  if (over !== 'metrics' && over !== 'collections' && over !== 'all')
    throw new ShapeQueryError(`over: expected metrics, collections or all, got "${over}"`);
  const exclude = (typeof raw.exclude === 'string' ? raw.exclude.split(',') : (raw.exclude ?? []))
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    k: num('k', raw.k, 1, MAX_K, true) ?? DEFAULTS.k,
    scorer: scorer as ScorerName,
    window,
    band: num('band', raw.band, 0, 100, false) ?? DEFAULTS.band,
    radius: num('radius', raw.radius, 0, 1000, true) ?? DEFAULTS.radius,
    exclude,
    over,
  };
}
