/**
 * Roomba: trims every raw window to `now − (FULL_DURATION + grace)`. The Store's trim is
 * atomic with respect to appends (a Lua script in Redis), forgets metrics with nothing left, and
 * quarantines keys it cannot decode; roomba schedules it, counts the outcome and reports quarantines.
 */
import type { Logger } from '../core/log.js';
import type { WindowStore } from '../core/store/store.js';

export interface RoombaReport {
  metrics: number;
  removed: number;
  /** Names of the metrics forgotten (nothing left in their window). */
  forgotten: string[];
  quarantined: string[];
}

/** Trims in groups so a large metric set neither floods Redis nor runs one trim at a time. */
const CONCURRENCY = 32;

export async function runRoomba(
  store: WindowStore,
  keepSeconds: number,
  now = Date.now() / 1000,
): Promise<RoombaReport> {
  const names = await store.listMetrics();
  const report: RoombaReport = { metrics: names.length, removed: 0, forgotten: [], quarantined: [] };
  const cutoff = now - keepSeconds;
  for (let i = 0; i < names.length; i += CONCURRENCY) {
    const group = names.slice(i, i + CONCURRENCY);
    const results = await Promise.all(group.map((n) => store.trim(n, cutoff)));
    results.forEach((r, j) => {
      report.removed += r.removed;
      if (r.forgotten) report.forgotten.push(group[j]);
      if (r.quarantined) report.quarantined.push(group[j]);
    });
  }
  return report;
}

/**
 * Runs roomba every `intervalSeconds`, never two at once; `stop` waits for a running pass. `onForgotten`
 * hears which metrics were forgotten (a writer on another connection must register them again).
 */
export function scheduleRoomba(
  store: WindowStore,
  keepSeconds: () => number,
  intervalSeconds: number,
  log: Logger,
  onForgotten: (names: string[]) => void,
) {
  let running: Promise<void> | undefined;
  const pass = () => {
    if (running) return;
    running = runRoomba(store, keepSeconds())
      .then((r) => {
        for (const q of r.quarantined)
          log.error(`undecodable window for ${q} moved to quarantine.metrics.${q}`);
        if (r.forgotten.length) onForgotten(r.forgotten);
        log.debug('roomba pass', { metrics: r.metrics, removed: r.removed, forgotten: r.forgotten.length });
      })
      .catch((err) => log.warn(`roomba pass failed: ${(err as Error).message}`))
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(pass, intervalSeconds * 1000);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
