/**
 * `GET /metrics` on its own port (`metrics.port`, `--metrics-port`) for a service run alone: `kale
 * horizon`, `kale analyzer` and `kale oculus` have no webapp to serve it. The webapp's auth rules
 * apply: off loopback it needs webapp.token or webapp.basicAuth, and every request must carry them.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { KaleConfig } from '../../core/config/schema.js';
import { bindError } from '../../core/listen.js';
import type { RunningService, StartService } from '../../core/service.js';
import { assertAuthConfigured, requireAuth } from './auth.js';
import { prometheusRoutes } from './routes/prometheus.js';

export const startMetricsListener: StartService = async ({ config, log }): Promise<RunningService> => {
  const wanted = config.metrics.port;
  if (wanted === 'off') return { name: 'metrics', endpoints: {}, stop: async () => {} };
  const auth = (c: KaleConfig) => ({ ...c.webapp, host: config.host });
  assertAuthConfigured(auth(config));
  let current = config;
  const app = express();
  app.disable('x-powered-by');
  app.use(requireAuth(() => auth(current)));
  app.use(prometheusRoutes());
  app.use(
    (_req, res) => void res.status(404).type('text/plain').send('Not found: this port serves GET /metrics\n'),
  );
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(bindError(err, wanted, '--metrics-port')));
    server.listen(wanted, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  log.child('metrics').info(`GET /metrics on ${config.host}:${port}`);
  return {
    name: 'metrics',
    endpoints: { metrics: port },
    reload: (next) => {
      assertAuthConfigured(auth(next));
      current = next;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
