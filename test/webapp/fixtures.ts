import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { configSchema, type KaleConfig } from '../../core/config/schema.js';
import { createLogger } from '../../core/log.js';
import type { RunningService } from '../../core/service.js';
import { EmbeddedStore } from '../../core/store/embeddedStore.js';
import type { Store } from '../../core/store/store.js';
import { openOculus } from '../../oculus/api.js';
import { startWebapp } from '../../webapp/server/service.js';

export { daySeries, seedStore, seedTorus } from '../../utils/bench/webappData.js';

export const XSS_NAME = '<img src=x onerror=alert(1)>';

export interface TestWebappOptions {
  webapp?: Record<string, unknown>;
  horizon?: Record<string, unknown>;
  elasticsearch?: Record<string, unknown>;
  /** Defaults to a fresh embedded store in a temporary directory. */
  store?: Store;
}

export interface TestWebapp {
  readonly url: string;
  readonly store: Store;
  readonly config: KaleConfig;
  readonly service: RunningService;
  stop(): Promise<void>;
}

/** A real webapp on an ephemeral loopback port over a real store. */
export async function startTestWebapp({
  webapp = {},
  horizon = {},
  elasticsearch = {},
  store,
}: TestWebappOptions = {}): Promise<TestWebapp> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-webapp-'));
  const s = store ?? EmbeddedStore.open(dir);
  const config = configSchema.parse({
    dataDir: dir,
    logLevel: 'silent',
    webapp: { port: 0, ...webapp },
    horizon,
    elasticsearch,
  });
  const service = await startWebapp({ config, store: s, log: createLogger('test') });
  return {
    url: String(service.endpoints.webapp),
    store: s,
    config,
    service,
    stop: async () => {
      await service.stop();
      if (!store) await s.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Builds the shape index for the store's current windows, as the oculus service's importer does. */
export async function importShapes(config: KaleConfig, store: Store): Promise<void> {
  const oculus = openOculus(config, store);
  try {
    await oculus.importNow();
  } finally {
    await oculus.close();
  }
}
