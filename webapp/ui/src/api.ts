/** Typed calls to the webapp's JSON API; a non-2xx answer throws with the server's message. */
export type Vote = boolean | null;

type CompactRow = [
  metric: string,
  timestamp: number,
  value: number,
  score: number,
  votes: string,
  preset: number,
];

/** A list entry: votes stay one character per detector (`y`, `n`, `-`) until a row is opened. */
export interface AnomalyRow {
  metric: string;
  timestamp: number;
  value: number;
  score: number;
  preset: string;
  votes: string;
}
export interface AnomalyList {
  detectors: string[];
  rows: AnomalyRow[];
}

export function votesOf(list: AnomalyList, row: AnomalyRow): Record<string, Vote> {
  return Object.fromEntries(
    list.detectors.map((d, i) => [d, row.votes[i] === 'y' ? true : row.votes[i] === 'n' ? false : null]),
  );
}

export type Point = [number, number];

/** A full anomaly record as the history API answers it; the analyzer may add optional fields. */
export interface AnomalyRecord {
  metric: string;
  timestamp: number;
  value: number;
  preset: string;
  score: number;
  episode: string;
  votes: Record<string, Vote>;
  detectedAt?: number;
  /** false: the row continues an incident that already paged; absent or true: flagged. */
  flagged?: boolean;
}

export interface Collection {
  id: string;
  title: string;
  description: string;
  metric: string;
  points: Point[];
  createdAt: number;
}

/** One match from oculus: `z` is z-normalised, ready to overlay on the query's `z`; lower distance is closer. */
export interface SimilarMatch {
  kind: 'metric' | 'collection';
  name: string;
  collection?: { id: string; title: string; description: string };
  distance: number;
  flat: boolean;
  start: number;
  step: number;
  values: number[];
  z: number[];
}
export interface SimilarAnswer {
  query: { name: string | null; flat: boolean; start: number; step: number; values: number[]; z: number[] };
  matches: SimilarMatch[];
  backend: string;
  examined: number;
  tookMs: number;
}
export interface SimilarOptions {
  scorer: string;
  k: number;
  window: string;
  exclude: string;
  over: string;
}

export interface GraphiteTarget {
  target: string;
  datapoints: Array<[number | null, number]>;
}

export type Spark = Array<[number, number]>;
export interface Backend {
  name: string;
  kind: string;
  ok: boolean;
  latencyMs: number | null;
  error?: string;
}
/** `GET /api/status` (webapp/server/routes/status.ts). */
export interface StatusAnswer {
  now: number;
  storage: 'embedded' | 'redis';
  health: Array<{ service: string; state: 'ok' | 'degraded' | 'down'; reason: string }>;
  backends: Record<string, Backend>;
  metrics: number;
  anomalies: number;
  analyzer: { interval: number; lastCycle: Record<string, unknown> | null; nextCycleAt: number | null };
  series: {
    ingest: { received: Spark; written: Spark; rejected: Spark; rejectedBy: Record<string, Spark> };
    analyzerRunTime: Spark;
  } | null;
  listeners: Record<string, number | null>;
  webapp: { startedAt: number; uptimeSeconds: number };
  services: Record<string, Record<string, unknown>>;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(path: string, init?: RequestInit, started?: Promise<Response>): Promise<T> {
  const res = await (started ??
    fetch(path, init?.body ? { ...init, headers: { 'content-type': 'application/json' } } : init));
  if (res.status === 204) return undefined as T;
  const body = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
  if (!res.ok)
    throw new ApiError(res.status, typeof body?.error === 'string' ? body.error : `HTTP ${res.status}`);
  return body as T;
}

const qs = (params: Record<string, string | number | undefined>) =>
  new URLSearchParams(
    Object.entries(params)
      .filter(([, v]) => v !== undefined && v !== '')
      .map(([k, v]) => [k, String(v)]),
  ).toString();

const ANOMALY_LIST = 'api/anomalies?view=compact';

/**
 * On the Anomalies page the list starts downloading as this module loads, before React renders. (A
 * <link rel=preload> did the same, but every other page then warned that the preload went unused.)
 */
let earlyList: Promise<Response> | undefined = /^#?\/?(anomalies)?$/.test(location.hash)
  ? fetch(ANOMALY_LIST)
  : undefined;

export const api = {
  anomalies: async (): Promise<AnomalyList> => {
    const started = earlyList;
    earlyList = undefined;
    const r = await call<{ detectors: string[]; presets: string[]; rows: CompactRow[] }>(
      ANOMALY_LIST,
      undefined,
      started,
    );
    return {
      detectors: r.detectors,
      rows: r.rows.map(([metric, timestamp, value, score, votes, preset]) => ({
        metric,
        timestamp,
        value,
        score,
        votes,
        preset: r.presets[preset],
      })),
    };
  },
  history: (params: { metric?: string; episode?: string; from?: string; until?: string; limit?: number }) =>
    call<{ anomalies: AnomalyRecord[] }>(`api/anomalies/history?${qs(params)}`),
  /** The current list's full records whose name contains `q` (the compact list leaves out episodes). */
  currentRecords: (q: string) => call<{ anomalies: AnomalyRecord[] }>(`api/anomalies?${qs({ q })}`),
  metrics: (q: string) => call<{ total: number; metrics: string[] }>(`api/metrics?${qs({ q, limit: 200 })}`),
  series: (metric: string, from?: string, until?: string) =>
    call<{ metric: string; points: Point[] }>(`api/series?${qs({ metric, from, until })}`),
  torus: (params: { stat: string; interval: string; start: string; end: string }) =>
    call<GraphiteTarget[]>(`api/torus/series?${qs({ ...params, format: 'graphite' })}`),
  torusIntervals: (metric: string) =>
    call<{ intervals: Array<{ interval: string; schema: string; step: number }> }>(
      `api/torus/intervals?${qs({ metric })}`,
    ),
  similarByMetric: (metric: string, o: SimilarOptions) =>
    call<SimilarAnswer>(`api/similar?${qs({ metric, ...o })}`),
  similarByShape: (values: number[], o: SimilarOptions) =>
    call<SimilarAnswer>('api/similar', {
      method: 'POST',
      body: JSON.stringify({
        values,
        ...o,
        exclude: o.exclude
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      }),
    }),
  collections: () => call<{ collections: Collection[] }>('api/collections'),
  saveCollection: (c: { title: string; description: string; metric: string; points?: Point[] }) =>
    call<Collection>('api/collections', { method: 'POST', body: JSON.stringify(c) }),
  deleteCollection: (id: string) =>
    call<void>(`api/collections/${encodeURIComponent(id)}`, { method: 'DELETE' }),
  status: () => call<StatusAnswer>('api/status'),
};
