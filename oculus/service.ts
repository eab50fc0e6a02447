/**
 * The oculus service (`kale oculus`, and inside `kale start`): an import pass every `oculus.interval`
 * seconds, the first FIRST_IMPORT_DELAY_MS after start (or one interval, if that is shorter). When a
 * pass fails (Elasticsearch down, refusing) it retries with exponential backoff, from `retryMinMs`
 * doubling up to the interval, and reports the failure in its status.
 */
import type { KaleConfig } from '../core/config/schema.js';
import { finishedWithin, stopWaitMs } from '../core/finishedWithin.js';
import { observeImport } from '../core/metrics/oculusMetrics.js';
import type { RunningService, ServiceContext, StartService } from '../core/service.js';
import { importShapes, type ImportResult } from './importer.js';
import { openShapeIndex } from './index/openShapeIndex.js';

export interface OculusExtras {
  /** First retry delay after a failed pass (default 1 s). */
  readonly retryMinMs?: number;
  /** Called after every pass, with its result or error (tests wait on it). */
  readonly onPass?: (outcome: { result?: ImportResult; error?: Error }) => void;
  /** Before the first pass (default FIRST_IMPORT_DELAY_MS, at most one interval). */
  readonly firstPassDelayMs?: number;
}

/**
 * Not at once: the first seconds after start are ingest's coldest, and an import's reads and shaping
 * thread in them took a core from the listeners' thread (FIRST_CYCLE_DELAY_MS in analyzer/service.ts
 * says how). Later than the analyzer's first cycle, so the two do not start their reads together.
 */
export const FIRST_IMPORT_DELAY_MS = 20_000;

export const startOculus: StartService = (ctx) => startOculusWith(ctx);

export async function startOculusWith(
  ctx: ServiceContext,
  extras: OculusExtras = {},
): Promise<RunningService> {
  const log = ctx.log.child('oculus');
  let config: KaleConfig = ctx.config;
  let index = openShapeIndex(config);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  let failures = 0;
  const retryMinMs = extras.retryMinMs ?? 1000;

  const pass = async () => {
    let delay = config.oculus.interval * 1000;
    try {
      const result = await importShapes(config, ctx.store, index);
      failures = 0;
      observeImport();
      log.info('import pass done', { ms: Math.round(result.ms), windows: result.windows });
      await ctx.store
        .putStatus('oculus', {
          backend: index.kind,
          lastImport: Date.now() / 1000,
          ms: result.ms,
          windows: result.windows,
          failures: 0,
        })
        .catch(() => {});
      extras.onPass?.({ result });
    } catch (err) {
      failures++;
      delay = Math.min(delay, retryMinMs * 2 ** (failures - 1));
      log.warn(
        `import pass failed (attempt ${failures}), retrying in ${Math.round(delay / 100) / 10} s: ${(err as Error).message}`,
      );
      await ctx.store
        .putStatus('oculus', {
          backend: index.kind,
          failures,
          lastError: (err as Error).message,
          retryInMs: delay,
        })
        .catch(() => {});
      extras.onPass?.({ error: err as Error });
    }
    if (!stopped) {
      timer = setTimeout(() => {
        running = pass();
      }, delay);
      timer.unref();
    }
  };
  timer = setTimeout(
    () => {
      running = pass();
    },
    Math.min(extras.firstPassDelayMs ?? FIRST_IMPORT_DELAY_MS, config.oculus.interval * 1000),
  );
  timer.unref();

  return {
    name: 'oculus',
    endpoints: {},
    reload: async (next) => {
      const backendChanged =
        next.elasticsearch.url !== config.elasticsearch.url || next.dataDir !== config.dataDir;
      config = next;
      if (backendChanged) {
        await running;
        await index.close();
        index = openShapeIndex(config);
      }
    },
    runNow: () => {
      if (stopped) return;
      clearTimeout(timer);
      // After the pass under way, if any: passes never overlap.
      running = (running ?? Promise.resolve()).then(() => {
        // The pass that just ended scheduled the next one: this pass takes its place.
        clearTimeout(timer);
        return stopped ? undefined : pass();
      });
    },
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      // A pass reading windows from an absent Redis waits as long as Redis is away: it is abandoned
      // (the next start imports again) so that the stop ends within shutdownTimeout.
      if (running && !(await finishedWithin(running, stopWaitMs(config.shutdownTimeout))))
        log.warn('stopping: the import pass under way is still waiting; abandoned');
      await index.close();
    },
  };
}
