import type { RequestHandler } from 'express';
import type { WindowStore } from '../../../../core/store/store.js';
import type { WebappDeps } from '../../deps.js';
import { badRequest } from '../../httpError.js';
import { matchPrefixes } from './pathGlob.js';
import { flag, graphiteParams, repeated, timeRange } from './request.js';

/** Most queries one expand may carry. */
const MAX_QUERIES = 100;

/**
 * `GET|POST /metrics/expand?query=a.*&query=b.{c,d}&leavesOnly=&groupByExpr=`: the paths each glob
 * names (branches too unless leavesOnly), `{"results": [...]}` sorted, or grouped by query.
 */
export function expandRoute({ store }: WebappDeps<WindowStore>): RequestHandler {
  return async (req, res) => {
    const src = graphiteParams(req);
    const queries = repeated(src, 'query', MAX_QUERIES, 1000);
    if (queries.length === 0) throw badRequest('query is required');
    const leavesOnly = flag(src, 'leavesOnly');
    const grouped = flag(src, 'groupByExpr');
    if (src.from !== undefined || src.until !== undefined) timeRange(src, Date.now() / 1000);
    const names = await store.listMetrics();
    const byQuery: Record<string, string[]> = {};
    for (const q of queries) {
      const found = await matchPrefixes(names, q);
      byQuery[q] = [...found]
        .filter(([, e]) => e.leaf || !leavesOnly)
        .map(([p]) => p)
        .sort();
    }
    res.json({ results: grouped ? byQuery : [...new Set(Object.values(byQuery).flat())].sort() });
  };
}
