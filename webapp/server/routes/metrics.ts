import { Router } from 'express';
import { MAX_GLOB_LENGTH, filterYielding, globMatcher, type NameMatcher } from '../../../core/glob.js';
import type { WindowStore } from '../../../core/store/store.js';
import type { WebappDeps } from '../deps.js';
import { optionalInt, optionalString, query } from '../params.js';

/** A case-insensitive `*` glob over the whole name or, without `*`, a case-insensitive substring. */
function matcher(q: string): NameMatcher {
  if (!q.includes('*')) {
    const needle = q.toLowerCase();
    return (name) => name.toLowerCase().includes(needle);
  }
  return globMatcher(q, { ignoreCase: true });
}

/** `GET /api/metrics?q=&limit=`: metric names, sorted. */
export function metricsRoutes({ store }: WebappDeps<WindowStore>): Router {
  const r = Router();
  r.get('/api/metrics', async (req, res) => {
    const q = query(req);
    const search = optionalString(q, 'q', MAX_GLOB_LENGTH);
    const limit = optionalInt(q, 'limit', 1, 100_000) ?? 1000;
    let names = await store.listMetrics();
    if (search) names = await filterYielding(names, matcher(search));
    names.sort();
    res.json({ total: names.length, metrics: names.slice(0, limit) });
  });
  return r;
}
