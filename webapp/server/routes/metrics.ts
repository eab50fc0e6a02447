import { Router } from 'express';
import type { WebappDeps } from '../deps.js';
import { optionalInt, optionalString, query } from '../params.js';

/** A `*` glob (one or more segments) or, without `*`, a case-insensitive substring. */
function matcher(q: string): (name: string) => boolean {
  if (!q.includes('*')) {
    const needle = q.toLowerCase();
    return (name) => name.toLowerCase().includes(needle);
  }
  const re = new RegExp(`^${q.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
  return (name) => re.test(name);
}

/** `GET /api/metrics?q=&limit=`: metric names, sorted. */
export function metricsRoutes({ store }: WebappDeps): Router {
  const r = Router();
  r.get('/api/metrics', async (req, res) => {
    const q = query(req);
    const search = optionalString(q, 'q', 500);
    const limit = optionalInt(q, 'limit', 1, 100_000) ?? 1000;
    let names = await store.listMetrics();
    if (search) names = names.filter(matcher(search));
    names.sort();
    res.json({ total: names.length, metrics: names.slice(0, limit) });
  });
  return r;
}
