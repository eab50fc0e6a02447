/**
 * A realistic demo in one run: a day of history goes in through the import path (horizon refuses
 * points older than MAX_RESOLUTION, as it should), the newest minutes stream live over a real ingest
 * protocol, and every point is then checked in the store.
 */
import type { Point, RollupStore, WindowStore } from '../../core/store/store.js';
import { backfill, type TorusRouter } from '../import/backfill.js';
import type { NamedPoint, Sender } from '../senders/sender.js';
import { planMetrics, type SeedMetric } from './metrics.js';
import { verifyArrived, type Arrival } from './verify.js';

export interface SeedOptions {
  readonly store: WindowStore & RollupStore;
  /** Opened before anything is written, so a kale that is not listening fails the run at once. */
  readonly sender: Sender;
  readonly route?: TorusRouter;
  readonly metrics: number;
  readonly hours: number;
  readonly step: number;
  /** Points newer than `now − liveSeconds` are streamed live; older ones are imported. */
  readonly liveSeconds: number;
  readonly randomSeed: number;
  readonly now: number;
  /** Pause between live timestamps, so the stream looks live on the web page without taking minutes. */
  readonly livePaceMs: number;
  readonly onProgress?: (phase: 'history' | 'live', done: number, total: number) => void;
}

export interface SeedResult {
  readonly metrics: ReadonlyArray<SeedMetric>;
  readonly from: number;
  readonly until: number;
  readonly historyPoints: number;
  readonly livePoints: number;
  readonly torusWrites: number;
  readonly arrival: Arrival;
}

export async function runSeed(o: SeedOptions): Promise<SeedResult> {
  const until = Math.floor(o.now / o.step) * o.step;
  const from = until - Math.round((o.hours * 3600) / o.step - 1) * o.step;
  const metrics = planMetrics({ count: o.metrics, end: until, step: o.step, randomSeed: o.randomSeed });
  const liveFrom = o.now - o.liveSeconds;

  const all = new Map<string, Point[]>();
  const history = new Map<string, Point[]>();
  const liveByTs = new Map<number, NamedPoint[]>();
  for (const m of metrics) {
    const points: Point[] = [];
    for (let ts = from; ts <= until; ts += o.step) points.push([ts, m.valueAt(ts)]);
    all.set(m.name, points);
    history.set(
      m.name,
      points.filter(([ts]) => ts < liveFrom),
    );
    for (const [ts, value] of points) {
      if (ts < liveFrom) continue;
      let slice = liveByTs.get(ts);
      if (!slice) liveByTs.set(ts, (slice = []));
      slice.push({ name: m.name, ts, value });
    }
  }
  const historyPoints = [...history.values()].reduce((n, p) => n + p.length, 0);
  const livePoints = [...liveByTs.values()].reduce((n, p) => n + p.length, 0);

  const imported = await backfill(history, {
    store: o.store,
    windowStart: -Infinity,
    route: o.route,
    onProgress: (done) => o.onProgress?.('history', done, historyPoints),
  });

  let sent = 0;
  for (const ts of [...liveByTs.keys()].sort((a, b) => a - b)) {
    await o.sender.send(liveByTs.get(ts)!);
    sent += liveByTs.get(ts)!.length;
    o.onProgress?.('live', sent, livePoints);
    await new Promise((r) => setTimeout(r, o.livePaceMs));
  }
  await o.sender.close();

  const arrival = await verifyArrived(o.store, all);
  return { metrics, from, until, historyPoints, livePoints, torusWrites: imported.torusWrites, arrival };
}
