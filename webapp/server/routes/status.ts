import { Router } from 'express';
import type { WebappDeps } from '../deps.js';

/** `GET /api/status`: backends, metric and anomaly counts, and each service's own status document. */
export function statusRoutes({ store, config }: WebappDeps): Router {
  const startedAt = Date.now() / 1000;
  const r = Router();
  r.get('/api/status', async (_req, res) => {
    const t0 = performance.now();
    const ok = await store.ping().catch(() => false);
    const pingMs = performance.now() - t0;
    const [services, metrics, anomalies] = ok
      ? await Promise.all([store.getStatus(), store.listMetrics(), store.currentAnomalies()])
      : [{}, [], []];
    const cfg = config();
    res.json({
      now: Date.now() / 1000,
      backends: {
        store: { kind: store.kind, ok, pingMs: Math.round(pingMs * 100) / 100 },
        shapeIndex: { kind: cfg.elasticsearch.url ? 'elasticsearch' : 'embedded' },
      },
      metrics: metrics.length,
      anomalies: anomalies.length,
      webapp: { startedAt: new Date(startedAt * 1000).toISOString(), uptimeSeconds: Math.round(Date.now() / 1000 - startedAt) },
      services,
    });
  });
  return r;
}
