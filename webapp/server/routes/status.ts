import { Router } from 'express';
import type { AnomalyStore, StatusStore, StoreConnection, WindowStore } from '../../../core/store/store.js';
import type { WebappDeps } from '../deps.js';
import { shapeIndexBackend, storeBackend } from '../status/backends.js';
import { FreshOrLast } from '../status/freshOrLast.js';
import { Throttled } from '../status/throttled.js';
import { analyzerHealth, horizonHealth, oculusHealth, type Health } from '../status/health.js';
import { readSelfSeries } from '../status/series.js';

type Doc = Record<string, unknown>;

/** Kale's own series (horizon's and the analyzer's self-metrics): not what "metrics stored" counts. */
const SELF_METRIC = /^kale\.(horizon|analyzer)\./;

/** A document younger than this is answered at once (and rebuilt behind the answer). */
const YOUNG_MS = 1000;
/** Longest a request for an older one waits for a fresh document before it is answered with the last one (and its age). */
const FRESH_WAIT_MS = 50;
/** The count of metrics may be this old. */
const METRIC_COUNT_MS = 5000;

/**
 * `GET /api/status`: what an operator's dashboard shows. Each service's health with its reason,
 * backends with their latency, the last hour of ingest and analyzer figures from their self-metric
 * series, the analyzer's last cycle and when the next one is due, the ports Kale listens on, and
 * each service's raw status document (`services`). It answers at once with a document up to a second
 * old, else within FRESH_WAIT_MS or so under any load: when the Store is slow, with the document built
 * last. `ageSeconds` is the answer's age.
 */
export function statusRoutes({
  store,
  config,
}: WebappDeps<StoreConnection & WindowStore & StatusStore & AnomalyStore>): Router {
  const startedAt = Date.now() / 1000;
  const r = Router();
  const metricCount = new Throttled(
    async () => (await store.listMetrics()).filter((name) => !SELF_METRIC.test(name)).length,
    METRIC_COUNT_MS,
  );
  const build = async () => {
    const cfg = config();
    const [storeB, shapeB] = await Promise.all([storeBackend(store), shapeIndexBackend(cfg)]);
    const now = Date.now() / 1000;
    const [services, metrics, anomalies] = storeB.ok
      ? await Promise.all([store.getStatus(), metricCount.get(), store.currentAnomalies()])
      : [{} as Record<string, Doc>, 0, []];
    const analyzerKeys = Object.keys(services).filter((k) => k === 'analyzer' || k.startsWith('analyzer.'));
    const series = storeB.ok
      ? await readSelfSeries(store, now, cfg.horizon.selfMetricsInterval, analyzerKeys[0])
      : undefined;
    const rejecting = series?.ingest.rejected.at(-1)?.[1] ?? 0;
    const health: Health[] = [
      {
        service: 'store',
        state: storeB.ok ? 'ok' : 'down',
        reason: storeB.ok ? `${store.kind}, ping ${storeB.latencyMs} ms` : `${store.kind} does not answer`,
      },
      horizonHealth(services.horizon, cfg, now, rejecting),
      ...(analyzerKeys.length
        ? analyzerKeys.map((k) => analyzerHealth(k, services[k], cfg, now))
        : [analyzerHealth('analyzer', undefined, cfg, now)]),
      oculusHealth(services.oculus, cfg, now),
      ...(cfg.elasticsearch.url
        ? [
            {
              service: 'elasticsearch',
              // A cluster that lost a node still searches while a copy of every shard lives: degraded.
              state: shapeB.ok ? 'ok' : shapeB.latencyMs === null ? 'down' : 'degraded',
              reason: shapeB.ok ? `answered in ${shapeB.latencyMs} ms` : (shapeB.error ?? 'unreachable'),
            } as Health,
          ]
        : []),
      { service: 'webapp', state: 'ok', reason: `up ${Math.round(now - startedAt)} s` },
    ];
    const last = services[analyzerKeys[0] ?? 'analyzer'];
    const lastStart = typeof last?.startedAt === 'number' ? last.startedAt : undefined;
    const lastRun = typeof last?.runTime === 'number' ? last.runTime : 0;
    const interval = cfg.analyzer.interval;
    // The ports horizon reported listening on; before its first report (within selfMetricsInterval), the configured ones.
    const configured = Object.fromEntries(
      (
        [
          ['pickle', cfg.horizon.picklePort],
          ['udp', cfg.horizon.udpPort],
          ['line', cfg.horizon.linePort],
        ] as const
      ).filter(([, p]) => typeof p === 'number' && p > 0),
    );
    const horizonEndpoints = (services.horizon?.endpoints ?? configured) as Record<string, number>;
    return {
      now,
      storage: store.kind,
      health,
      backends: { store: storeB, shapeIndex: shapeB },
      metrics,
      anomalies: anomalies.length,
      analyzer: {
        interval,
        lastCycle: last ?? null,
        // The service waits out the interval from a cycle's start, and at least a second after its end.
        nextCycleAt:
          lastStart === undefined ? null : lastStart + Math.max(interval, lastRun + Math.min(1, interval)),
      },
      series: series ?? null,
      listeners: horizonEndpoints,
      webapp: { startedAt, uptimeSeconds: Math.round(now - startedAt) },
      services,
    };
  };
  const status = new FreshOrLast(build, FRESH_WAIT_MS, YOUNG_MS);
  // With nothing built, a request waits for a whole build, however slow the Store is then; built at
  // start, every request finds a document. (Its count of metrics is then taken before any data comes.)
  status.prime();
  r.get('/api/status', async (req, res) => {
    const { value, ageMs } = await status.get();
    res.json({
      ...value,
      ageSeconds: ageMs / 1000,
      listeners: { ...value.listeners, webapp: req.socket.localPort ?? null },
    });
  });
  return r;
}
