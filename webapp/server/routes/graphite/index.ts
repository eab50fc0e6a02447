import express, { Router } from 'express';
import type { WebappDeps } from '../../deps.js';
import type { GraphiteStore } from './context.js';
import { eventsRoute } from './events.js';
import { expandRoute } from './expand.js';
import { findRoute } from './find.js';
import { infoRoutes } from './info.js';
import { renderRoute } from './render.js';
import { tagRoutes } from './tagRoutes.js';

/** Form bodies up to this size: a hundred long targets, not an upload. */
const FORM_LIMIT = '1mb';

/**
 * The part of graphite-web's HTTP API that Grafana's Graphite datasource calls, so Kale can be added
 * as one (docs/grafana.md): /render, /metrics/find, /metrics/expand, /events/get_data, /version,
 * /functions and the tag database's /tags endpoints. GET and POST (form-encoded) alike, under the webapp's auth.
 */
export function graphiteRoutes(deps: WebappDeps<GraphiteStore>): Router {
  const r = Router();
  const form = express.urlencoded({ extended: false, limit: FORM_LIMIT, parameterLimit: 1000 });
  for (const [path, handler] of [
    ['/render', renderRoute(deps)],
    ['/metrics/find', findRoute(deps)],
    ['/metrics/expand', expandRoute(deps)],
  ] as const) {
    r.get(path, handler);
    r.post(path, form, handler);
  }
  r.get('/events/get_data', eventsRoute(deps));
  r.use(tagRoutes(deps, form));
  r.use(infoRoutes());
  return r;
}
