import type { RequestHandler } from 'express';
import type { WindowStore } from '../../../../core/store/store.js';
import type { WebappDeps } from '../../deps.js';
import { optionalEnum, requiredString } from '../../params.js';
import { matchPrefixes } from './pathGlob.js';
import { flag, graphiteParams, timeRange } from './request.js';

/**
 * `GET|POST /metrics/find?query=a.b.*` (Grafana's query editor browses the tree with it):
 * treejson (default) `[{"text", "id", "leaf", "expandable", "allowChildren", "context"}]`, or
 * completer `{"metrics": [{"path", "name", "is_leaf"}]}`. A node that is both a metric and a branch
 * is listed twice, once as each, as graphite-web lists it. `from`/`until` are checked and otherwise
 * ignored: every listed metric has its window.
 */
export function findRoute({ store }: WebappDeps<WindowStore>): RequestHandler {
  return async (req, res) => {
    const src = graphiteParams(req);
    const query = requiredString(src, 'query', 1000);
    const format = optionalEnum(src, 'format', ['treejson', 'completer'] as const) ?? 'treejson';
    const wildcards = flag(src, 'wildcards');
    if (src.from !== undefined || src.until !== undefined) timeRange(src, Date.now() / 1000);
    const found = [...(await matchPrefixes(await store.listMetrics(), query))].sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    const text = (id: string) => id.slice(id.lastIndexOf('.') + 1);
    const nodes = found.flatMap(([id, { leaf, branch }]) => [
      ...(branch ? [{ id, leaf: false }] : []),
      ...(leaf ? [{ id, leaf: true }] : []),
    ]);
    if (format === 'completer') {
      res.json({
        metrics: nodes.map(({ id, leaf }) => ({
          path: leaf ? id : `${id}.`,
          name: text(id),
          is_leaf: leaf ? '1' : '0',
        })),
      });
      return;
    }
    const tree = nodes.map(({ id, leaf }) => ({
      text: text(id),
      id,
      leaf: leaf ? 1 : 0,
      expandable: leaf ? 0 : 1,
      allowChildren: leaf ? 0 : 1,
      context: {},
    }));
    if (wildcards && tree.length > 0) {
      const parent = query.includes('.') ? query.slice(0, query.lastIndexOf('.') + 1) : '';
      tree.unshift({ text: '*', id: `${parent}*`, leaf: 0, expandable: 1, allowChildren: 1, context: {} });
    }
    res.json(tree);
  };
}
