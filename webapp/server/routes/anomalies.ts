import { Router } from 'express';
import type { AnomalyRecord, AnomalyStore } from '../../../core/store/store.js';
import type { WebappDeps } from '../deps.js';
import { badRequest } from '../httpError.js';
import { optionalEnum, optionalInt, optionalString, optionalTime, query, type Source } from '../params.js';
import { ResponseCache } from '../responseCache.js';

/** How stale the current list may be: well under the analyzer's cycle. */
const CURRENT_TTL_MS = 2000;

const SORTS = ['score', 'time', 'metric'] as const;
const VIEWS = ['records', 'compact'] as const;

/**
 * The list as the UI reads it: one array per anomaly, each detector's vote as one character (`y`
 * voted anomalous, `n` voted normal, `-` did not run) in the order of `detectors`, the preset as an
 * index into `presets`, and numbers only as precise as the page shows them (values to 6 significant
 * digits, scores to 3 decimals). A fifth of the bytes of full records, which matters at 10,000.
 */
function compact(rows: AnomalyRecord[]) {
  const detectors = [...new Set(rows.flatMap((a) => Object.keys(a.votes)))].sort();
  const presets = [...new Set(rows.map((a) => a.preset))];
  const code = (v: boolean | null | undefined) => (v === true ? 'y' : v === false ? 'n' : '-');
  return {
    detectors,
    presets,
    rows: rows.map((a) => [
      a.metric,
      a.timestamp,
      Number(a.value.toPrecision(6)),
      Math.round(a.score * 1000) / 1000,
      detectors.map((d) => code(a.votes[d])).join(''),
      presets.indexOf(a.preset),
    ]),
  };
}
const ORDER: Record<(typeof SORTS)[number], (a: AnomalyRecord, b: AnomalyRecord) => number> = {
  score: (a, b) => b.score - a.score || b.timestamp - a.timestamp,
  time: (a, b) => b.timestamp - a.timestamp || b.score - a.score,
  metric: (a, b) => (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0),
};

/**
 * `episode=METRIC@START`: an episode's id as the analyzer writes it in each record (the metric and the
 * timestamp of the episode's first point).
 */
function optionalEpisode(q: Source): { id: string; metric: string; start: number } | undefined {
  const id = optionalString(q, 'episode', 1100);
  if (id === undefined) return undefined;
  const m = /^(.+)@(\d{1,12})$/.exec(id);
  if (!m)
    throw badRequest(
      `episode: expected METRIC@TIMESTAMP, as in a record's episode, got "${id.slice(0, 50)}"`,
    );
  return { id, metric: m[1], start: Number(m[2]) };
}

/**
 * `GET /api/anomalies?q=&sort=&limit=&view=records|compact` (the analyzer's last cycle) and
 * `GET /api/anomalies/history?from=&until=&metric=&episode=&limit=`.
 */
export function anomaliesRoutes({ store }: WebappDeps<AnomalyStore>): Router {
  const cache = new ResponseCache(CURRENT_TTL_MS);
  const r = Router();
  r.get('/api/anomalies', async (req, res) => {
    const q = query(req);
    const contains = optionalString(q, 'q', 200)?.toLowerCase();
    const sort = optionalEnum(q, 'sort', SORTS) ?? 'score';
    const limit = optionalInt(q, 'limit', 1, 100_000) ?? 100_000;
    const view = optionalEnum(q, 'view', VIEWS) ?? 'records';
    const body = await cache.get(JSON.stringify([contains, sort, limit, view]), async () => {
      let rows = await store.currentAnomalies();
      if (contains) rows = rows.filter((a) => a.metric.toLowerCase().includes(contains));
      rows.sort(ORDER[sort]);
      const total = rows.length;
      rows = rows.slice(0, limit);
      return view === 'compact' ? { total, ...compact(rows) } : { total, anomalies: rows };
    });
    res.type('json').send(body);
  });
  r.get('/api/anomalies/history', async (req, res) => {
    const q = query(req);
    const now = Date.now() / 1000;
    let from = optionalTime(q, 'from', now);
    const until = optionalTime(q, 'until', now);
    let metric = optionalString(q, 'metric', 1000)?.replace(/^metrics\./, '');
    const limit = optionalInt(q, 'limit', 1, 100_000) ?? 1000;
    const episode = optionalEpisode(q);
    if (!episode) {
      res.json({ anomalies: await store.anomalyHistory({ from, until, metric, limit }) });
      return;
    }
    if (metric !== undefined && metric !== episode.metric)
      throw badRequest(
        `episode: belongs to ${episode.metric.slice(0, 200)}, not to metric ${metric.slice(0, 200)}`,
      );
    metric = episode.metric;
    // Every record of an episode is detected at or after the episode's first point.
    from ??= episode.start;
    const records = await store.anomalyHistory({ from, until, metric, limit: 100_000 });
    res.json({ anomalies: records.filter((a) => a.episode === episode.id).slice(0, limit) });
  });
  return r;
}
