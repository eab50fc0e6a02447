import { Router } from 'express';
import { registry } from '../../../core/metrics/registry.js';

/**
 * `GET /metrics`: this process's figures in the Prometheus text format (core/metrics/). Exactly that
 * path: `/metrics/find` and the rest of the Graphite API are other routes'.
 */
export function prometheusRoutes(): Router {
  const r = Router({ strict: true });
  r.get('/metrics', async (_req, res) => {
    res
      .set('Content-Type', registry.contentType)
      .set('Cache-Control', 'no-store')
      .send(await registry.metrics());
  });
  return r;
}
