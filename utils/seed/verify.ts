import type { Point, WindowStore } from '../../core/store/store.js';

export interface Arrival {
  readonly expected: number;
  readonly arrived: number;
  /** Metrics with points missing (or stored with another value), and how many. */
  readonly missing: ReadonlyArray<{ readonly name: string; readonly missing: number }>;
}

async function check(
  store: WindowStore,
  expected: ReadonlyMap<string, ReadonlyArray<Point>>,
): Promise<Arrival> {
  const names = [...expected.keys()];
  const windows = await store.readWindows(names);
  let total = 0,
    arrived = 0;
  const missing: Array<{ name: string; missing: number }> = [];
  names.forEach((name, i) => {
    const stored = new Map<number, number>();
    const w = windows[i];
    if (w) for (let j = 0; j < w.timestamps.length; j++) stored.set(w.timestamps[j], w.values[j]);
    let ok = 0;
    const want = expected.get(name)!;
    for (const [ts, v] of want) if (stored.get(ts) === v) ok++;
    total += want.length;
    arrived += ok;
    if (ok < want.length) missing.push({ name, missing: want.length - ok });
  });
  return { expected: total, arrived, missing };
}

/**
 * Checks that every point is stored with the value sent, polling while horizon's writer catches up,
 * until all arrived or nothing changed for `settleMs`.
 */
export async function verifyArrived(
  store: WindowStore,
  expected: ReadonlyMap<string, ReadonlyArray<Point>>,
  settleMs = 5000,
): Promise<Arrival> {
  let last = -1,
    lastChange = Date.now();
  for (;;) {
    const a = await check(store, expected);
    if (a.arrived === a.expected) return a;
    if (a.arrived !== last) {
      last = a.arrived;
      lastChange = Date.now();
    }
    if (Date.now() - lastChange >= settleMs) return a;
    await new Promise((r) => setTimeout(r, 200));
  }
}
