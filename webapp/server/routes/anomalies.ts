import { Router } from 'express';
import type { AnomalyRecord } from '../../../core/store/store.js';
import type { WebappDeps } from '../deps.js';
import { optionalEnum, optionalInt, optionalString, optionalTime, query } from '../params.js';

const SORTS = ['score', 'time', 'metric'] as const;
const ORDER: Record<(typeof SORTS)[number], (a: AnomalyRecord, b: AnomalyRecord) => number> = {
  score: (a, b) => b.score - a.score || b.timestamp - a.timestamp,
  time: (a, b) => b.timestamp - a.timestamp || b.score - a.score,
  metric: (a, b) => (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0),
};

/** `GET /api/anomalies` (the analyzer's last cycle) and `GET /api/anomalies/history`. */
export function anomaliesRoutes({ store }: WebappDeps): Router {
  const r = Router();
  r.get('/api/anomalies', async (req, res) => {
    const q = query(req);
    const contains = optionalString(q, 'q', 200)?.toLowerCase();
    const sort = optionalEnum(q, 'sort', SORTS) ?? 'score';
    const limit = optionalInt(q, 'limit', 1, 100_000) ?? 100_000;
    let rows = await store.currentAnomalies();
    if (contains) rows = rows.filter((a) => a.metric.toLowerCase().includes(contains));
    rows.sort(ORDER[sort]);
    res.json({ total: rows.length, anomalies: rows.slice(0, limit) });
  });
  r.get('/api/anomalies/history', async (req, res) => {
    const q = query(req);
    const now = Date.now() / 1000;
    const from = optionalTime(q, 'from', now);
    const until = optionalTime(q, 'until', now);
    const metric = optionalString(q, 'metric', 1000)?.replace(/^metrics\./, '');
    const limit = optionalInt(q, 'limit', 1, 100_000) ?? 1000;
    const anomalies = await store.anomalyHistory({ from, until, metric, limit });
    res.json({ anomalies });
  });
  return r;
}
