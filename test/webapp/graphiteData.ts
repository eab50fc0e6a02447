import type { TorusSchemaConfig } from '../../core/config/schema.js';
import { RedisStore } from '../../core/store/redisStore.js';
import type { AnomalyRecord, Point, Store } from '../../core/store/store.js';
import { redisUrl, freshRedisDb } from '../support/redis.js';
import { daySeries, seedTorus, startTestWebapp, type TestWebapp } from './fixtures.js';

/**
 * What the Graphite API tests query: a real webapp over a real Redis (the embedded store when no
 * redis-server is installed, said loudly) holding a day of one-minute windows, a counter with a reset,
 * three days of hourly rollups for web.host1.requests, and one anomaly episode.
 */
export const NOW = Math.floor(Date.now() / 1000);
export const MINUTE = Math.floor(NOW / 60) * 60;
export const REQUESTS = ['web.host1.requests', 'web.host2.requests', 'web.host10.requests'];
export const COUNTER = 'app.counter.total';
export const SCHEMAS: TorusSchemaConfig[] = [
  { name: 'web', type: 'series', match: '^web\\.host1\\.', intervals: { '1h': { step: '1h', steps: 240 } } },
];

/** The episode: web.host1.requests anomalous at three points 30 minutes ago. */
export const EPISODE_START = MINUTE - 1800;
export const EPISODE: AnomalyRecord[] = [0, 60, 120].map((dt, i) => ({
  metric: 'web.host1.requests',
  timestamp: EPISODE_START + dt,
  value: 600,
  preset: 'default',
  votes: {},
  score: [0.9, 0.5, 0.3][i],
  episode: `web.host1.requests@${EPISODE_START}`,
  detectedAt: EPISODE_START + dt + 5,
  flagged: i === 0,
}));

/** A counter rising 120 a minute, reset to 0 two hours ago. */
export function counterPoints(): Point[] {
  const reset = MINUTE - 7200;
  return daySeries(NOW, 0, false).map(([t]) => [t, t < reset ? (t - (MINUTE - 86400)) * 2 : (t - reset) * 2]);
}

export async function startGraphiteKale(
  extra: { webapp?: Record<string, unknown> } = {},
): Promise<{ w: TestWebapp; close: () => Promise<void> }> {
  if (!redisUrl)
    process.stderr.write(
      '\n*** WARNING: no redis-server: the Graphite API tests run on the embedded store ***\n\n',
    );
  const store: Store | undefined = redisUrl ? RedisStore.connect(await freshRedisDb()) : undefined;
  const w = await startTestWebapp({ horizon: { schemas: SCHEMAS }, store, ...extra });
  await w.store.append([
    ...REQUESTS.map((name, i) => ({ name, points: daySeries(NOW, i, false) })),
    { name: 'db.primary.load', points: daySeries(NOW, 7, false) },
    { name: COUNTER, points: counterPoints() },
  ]);
  const threeDays = Array.from({ length: 3 * 1440 }, (_, i): Point => [MINUTE - 3 * 86400 + i * 60, i % 100]);
  await seedTorus(w.store, SCHEMAS, 'web.host1.requests', threeDays, NOW);
  await w.store.recordAnomalies(EPISODE, 30 * 86400);
  return {
    w,
    close: async () => {
      await w.stop();
      await store?.close();
    },
  };
}

/** A POST of an application/x-www-form-urlencoded body, as Grafana's backend sends /render; ten seconds without an answer is a failure. */
export function postForm(url: string, pairs: Array<[string, string]>): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(pairs).toString(),
    signal: AbortSignal.timeout(10_000),
  });
}

export type Rendered = Array<{
  target: string;
  tags: Record<string, string>;
  datapoints: Array<[number | null, number]>;
}>;

/** One target rendered as Grafana 10/11's backend asks for it: a form POST, unix seconds, format=json. */
export async function renderTarget(
  url: string,
  target: string,
  from: number,
  until = NOW,
): Promise<{ status: number; body: Rendered & { error?: string } }> {
  const res = await postForm(`${url}/render`, [
    ['target', target],
    ['from', String(from)],
    ['until', String(until)],
    ['format', 'json'],
    ['maxDataPoints', '2000'],
  ]);
  return { status: res.status, body: (await res.json()) as Rendered & { error?: string } };
}
