import { Router } from 'express';
import type { Series, WindowStore } from '../../../core/store/store.js';
import type { WebappDeps } from '../deps.js';
import { HttpError, badRequest } from '../httpError.js';
import { metricName, optionalTime, query } from '../params.js';

function points(series: Series, from = -Infinity, until = Infinity): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < series.timestamps.length; i++) {
    const t = series.timestamps[i];
    if (t >= from && t <= until) out.push([t, series.values[i]]);
  }
  return out;
}

/**
 * `GET /api/series?metric=&from=&until=` (a metric's raw window) and Skyline's
 * `GET /api?metric=metrics.<name>` → `{"results": [[ts, v], …]}`, kept so Skyline clients still work.
 */
export function seriesRoutes({ store }: WebappDeps<WindowStore>): Router {
  const r = Router();
  r.get('/api/series', async (req, res) => {
    const q = query(req);
    const metric = metricName(q);
    const now = Date.now() / 1000;
    const from = optionalTime(q, 'from', now);
    const until = optionalTime(q, 'until', now);
    if (from !== undefined && until !== undefined && from > until) throw badRequest('from is after until');
    const [series] = await store.readWindows([metric]);
    if (!series) throw new HttpError(404, `no such metric: ${metric}`);
    res.json({ metric, points: points(series, from, until) });
  });
  r.get('/api', async (req, res) => {
    const metric = metricName(query(req));
    const [series] = await store.readWindows([metric]);
    // Skyline answered a missing metric this way; its clients look for it.
    if (!series) return void res.status(404).json({ results: 'Error: No metric by that name' });
    res.json({ results: points(series) });
  });
  return r;
}
