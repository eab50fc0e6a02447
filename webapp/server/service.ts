import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KaleConfig } from '../../core/config/schema.js';
import { bindError } from '../../core/listen.js';
import type { RunningService, StartService } from '../../core/service.js';
import { openOculus } from '../../oculus/api.js';
import { createApp } from './app.js';
import { assertAuthConfigured } from './auth.js';

/** Starts the webapp (unless its port is 'off'); its endpoint is `webapp: http://HOST:PORT`. */
export const startWebapp: StartService = async ({ config, store, log }): Promise<RunningService> => {
  const cfg = config.webapp;
  const wanted = cfg.port;
  if (wanted === 'off') return { name: 'webapp', endpoints: {}, stop: async () => {} };
  assertAuthConfigured(cfg);
  let current: KaleConfig = config;
  // Searches only: the oculus service (or `kale oculus`) imports the shapes this index serves.
  const oculus = openOculus(config, store);
  const app = createApp({ store, config: () => current, log: log.child('webapp') }, oculus);
  const server = http.createServer(app);
  server.keepAliveTimeout = 5_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => reject(bindError(err, wanted, '--webapp-port')));
      server.listen(wanted, cfg.host, () => resolve());
    });
  } catch (err) {
    await oculus.close();
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  const host = cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host;
  const url = `http://${host}:${port}`;
  log.info(`webapp listening on ${url}`);
  return {
    name: 'webapp',
    endpoints: { webapp: url },
    // The listener's host and port are fixed at start (changing them needs a restart); credentials
    // and the rest are read live. Dropping the credentials off loopback fails the reload.
    reload: (next) => {
      const webapp = { ...next.webapp, host: cfg.host, port: cfg.port };
      assertAuthConfigured(webapp);
      current = { ...next, webapp };
    },
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await oculus.close();
    },
  };
};
