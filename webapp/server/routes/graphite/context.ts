import type { AnomalyRecord, AnomalyStore, RollupStore, WindowStore } from '../../../../core/store/store.js';
import { compileSchemas, type TorusSchema } from '../../../../core/torus/schemas.js';
import type { WebappDeps } from '../../deps.js';
import { badRequest } from '../../httpError.js';
import type { WindowGrids } from './windowGrids.js';

/** Most points one render may read, over all its targets: a glob over everything answers a 400, not an out-of-memory. */
export const MAX_REQUEST_POINTS = 20_000_000;

/** Anomaly records one request reads at most. */
const MAX_RECORDS = 100_000;

/** Seconds after its point a record may have been detected: the history is kept by detection time. */
const DETECTION_DELAY = 86400;

/** The Store roles a render reads: raw windows, rollups and the anomaly history. */
export type GraphiteStore = WindowStore & RollupStore & AnomalyStore;

/** What a render's functions read, for one range: `from` is exclusive and `until` inclusive, as in Graphite. */
export interface RenderContext {
  readonly from: number;
  readonly until: number;
  readonly now: number;
  readonly deps: WebappDeps<GraphiteStore>;
  readonly schemas: readonly TorusSchema[];
  /** Raw windows onto grids, remembering the last of each metric's between renders. */
  readonly grids: WindowGrids;
  /** Every metric name, listed once per request. */
  names(): Promise<string[]>;
  /** Anomaly records whose point lies in [from, until]. */
  records(): Promise<AnomalyRecord[]>;
  /** Counts points read against MAX_REQUEST_POINTS. */
  spend(points: number): void;
  /** The same request over another range (movingAverage reads earlier points to fill its first window). */
  withFrom(from: number): RenderContext;
}

export function renderContext(
  deps: WebappDeps<GraphiteStore>,
  from: number,
  until: number,
  now: number,
  grids: WindowGrids,
): RenderContext {
  let names: Promise<string[]> | undefined;
  let left = MAX_REQUEST_POINTS;
  const schemas = compileSchemas(deps.config().horizon.schemas);
  const make = (from: number): RenderContext => {
    let records: Promise<AnomalyRecord[]> | undefined;
    return {
      from,
      until,
      now,
      deps,
      schemas,
      grids,
      names: () => (names ??= deps.store.listMetrics()),
      records: () => (records ??= anomalyRecords(deps, from, until)),
      spend(points) {
        left -= points;
        if (left < 0)
          throw badRequest(
            `the targets read more than ${MAX_REQUEST_POINTS.toLocaleString('en-US')} points: narrow the globs or the range`,
          );
      },
      withFrom: make,
    };
  };
  return make(from);
}

export async function anomalyRecords(
  { store }: WebappDeps<AnomalyStore>,
  from: number,
  until: number,
): Promise<AnomalyRecord[]> {
  const rows = await store.anomalyHistory({ from, until: until + DETECTION_DELAY, limit: MAX_RECORDS });
  return rows.filter((r) => r.timestamp >= from && r.timestamp <= until);
}
