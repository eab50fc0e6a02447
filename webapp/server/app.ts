import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import type { Oculus } from '../../oculus/api.js';
import type { WebappDeps } from './deps.js';
import { requireAuth } from './auth.js';
import { apiNotFound, errorHandler } from './httpError.js';
import { anomaliesRoutes } from './routes/anomalies.js';
import { collectionsRoutes } from './routes/collections.js';
import { graphiteRoutes } from './routes/graphite/index.js';
import { metricsRoutes } from './routes/metrics.js';
import { prometheusRoutes } from './routes/prometheus.js';
import { seriesRoutes } from './routes/series.js';
import { similarRoutes } from './routes/similar.js';
import { statusRoutes } from './routes/status.js';
import { torusRoutes } from './routes/torus.js';
import { securityHeaders } from './security.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/**
 * Where `npm run build` puts the Vite build: dist/ui, beside dist/webapp/server when running the build,
 * or under dist/ when running from source (tests, tsx).
 */
export const DEFAULT_UI_DIR =
  [path.resolve(here, '../../ui'), path.resolve(here, '../../dist/ui')].find((dir) =>
    fs.existsSync(path.join(dir, 'index.html')),
  ) ?? path.resolve(here, '../../ui');

/** The Express app: security headers, auth, the JSON API (routes/), then the built UI. */
export function createApp(deps: WebappDeps, oculus: Oculus, uiDir = DEFAULT_UI_DIR): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(securityHeaders);
  app.use(requireAuth(() => deps.config().webapp));
  app.use('/api', (_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  app.use(express.json({ limit: '2mb' }));
  for (const routes of [
    anomaliesRoutes,
    metricsRoutes,
    seriesRoutes,
    collectionsRoutes,
    statusRoutes,
    torusRoutes,
    graphiteRoutes,
  ])
    app.use(routes(deps));
  app.use(similarRoutes(oculus));
  app.use(prometheusRoutes());
  app.use('/api', apiNotFound);
  serveUi(app, uiDir);
  app.use(errorHandler(deps.log));
  return app;
}

function serveUi(app: Express, uiDir: string): void {
  const index = path.join(uiDir, 'index.html');
  app.use(express.static(uiDir, { index: false, maxAge: '1h', immutable: false }));
  // Page routes (no file extension) get the app; a missing asset gets a plain 404, not HTML.
  app.get(/^[^.]*$/, (_req, res) => {
    if (!fs.existsSync(index)) {
      res
        .status(503)
        .type('text/plain')
        .send('The UI is not built: run `npm run build`. The JSON API is under /api.\n');
      return;
    }
    res.set('Cache-Control', 'no-cache').sendFile(index);
  });
  app.use((_req, res) => void res.status(404).type('text/plain').send('Not found\n'));
}
