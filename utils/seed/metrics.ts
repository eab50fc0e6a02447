/**
 * The demo's metrics: what real services emit (request rates with a daily cycle, error counters,
 * latency percentiles, gauges, and a few flat ones), some carrying an injected anomaly at the end of
 * the series, where the analyzer looks.
 */
import { gaussian, seededRandom } from './random.js';

export type Family = 'requests' | 'errors' | 'latency' | 'connections' | 'flat';
export type AnomalyKind = 'spike' | 'drop' | 'level-shift' | 'seasonal-break';
export const ANOMALY_KINDS: readonly AnomalyKind[] = ['spike', 'drop', 'level-shift', 'seasonal-break'];

export interface Injection {
  readonly kind: AnomalyKind;
  /** First and last timestamps (inclusive) the anomaly changes. */
  readonly from: number;
  readonly until: number;
}

export interface SeedMetric {
  readonly name: string;
  readonly family: Family;
  readonly injection?: Injection;
  /** The metric's value at `ts` (deterministic for a given metric and timestamp). */
  valueAt(ts: number): number;
}

const FAMILIES: readonly Family[] = [
  'requests',
  'latency',
  'errors',
  'connections',
  'requests',
  'latency',
  'connections',
  'flat',
];
const HOSTS = ['web1', 'web2', 'web3', 'api1', 'api2', 'db1', 'db2', 'cache1', 'worker1', 'worker2'];

/** Daily cycle in [-1, 1], peaking at 15:00 UTC. */
const daily = (ts: number) => Math.cos((2 * Math.PI * (ts - 15 * 3600)) / 86400);

interface Shape {
  mean: number;
  amplitude: number;
  noise: number;
  integer: boolean;
}

function shapeOf(family: Family, rand: () => number): Shape {
  switch (family) {
    case 'requests':
      return { mean: 500 + 1500 * rand(), amplitude: 0.45, noise: 0.03, integer: true };
    case 'latency':
      return { mean: 80 + 120 * rand(), amplitude: 0.15, noise: 0.06, integer: false };
    case 'errors':
      return { mean: 8 + 10 * rand(), amplitude: 0.4, noise: 0.25, integer: true };
    case 'connections':
      return { mean: 40 + 60 * rand(), amplitude: 0.3, noise: 0.04, integer: true };
    case 'flat':
      return { mean: Math.round(100 * rand()), amplitude: 0, noise: 0, integer: true };
  }
}

const nameOf = (family: Family, i: number) => {
  const host = HOSTS[i % HOSTS.length];
  const n = Math.floor(i / HOSTS.length);
  const suffix = n ? `_${n}` : '';
  switch (family) {
    case 'requests':
      return `seed.${host}${suffix}.http.requests_per_s`;
    case 'latency':
      return `seed.${host}${suffix}.http.latency_ms.p95`;
    case 'errors':
      return `seed.${host}${suffix}.http.errors`;
    case 'connections':
      return `seed.${host}${suffix}.db.connections`;
    case 'flat':
      return `seed.${host}${suffix}.disk.quota_gb`;
  }
};

/** Where each kind is realistic: errors dropping to zero or latency losing its faint cycle is no incident. */
const SUITS: Record<AnomalyKind, readonly Family[]> = {
  spike: ['requests', 'latency', 'errors', 'connections'],
  drop: ['requests', 'connections'],
  'level-shift': ['latency', 'connections', 'requests'],
  'seasonal-break': ['requests', 'connections'],
};

/** How long each kind lasts, ending at the newest point. */
const DURATION: Record<AnomalyKind, number> = { spike: 3, drop: 5, 'level-shift': 15, 'seasonal-break': 180 };

export interface PlanOptions {
  readonly count: number;
  /** Newest timestamp of every series. */
  readonly end: number;
  /** Seconds between points. */
  readonly step: number;
  readonly randomSeed: number;
}

/**
 * `count` metrics; every third non-flat one carries an anomaly, the kinds taking turns (each on a family
 * where it is realistic), so a demo of 20 metrics (the default) shows every kind.
 */
export function planMetrics(opts: PlanOptions): SeedMetric[] {
  const rand = seededRandom(opts.randomSeed);
  const out: SeedMetric[] = [];
  const names = new Set<string>();
  const used: Record<AnomalyKind, number> = { spike: 0, drop: 0, 'level-shift': 0, 'seasonal-break': 0 };
  for (let i = 0; i < opts.count; i++) {
    const family = FAMILIES[i % FAMILIES.length];
    let name = nameOf(family, i);
    for (let k = 2; names.has(name); k++) name = `${nameOf(family, i)}_${k}`;
    names.add(name);
    const shape = shapeOf(family, rand);
    let kind: AnomalyKind | undefined;
    if (family !== 'flat' && i % 3 === 0) {
      // The least used kind that suits this family (ties in ANOMALY_KINDS order).
      kind = ANOMALY_KINDS.filter((k) => SUITS[k].includes(family)).reduce((a, b) =>
        used[b] < used[a] ? b : a,
      );
      used[kind]++;
    }
    const injection = kind && { kind, from: opts.end - (DURATION[kind] - 1) * opts.step, until: opts.end };
    out.push(makeMetric(name, family, shape, injection, opts.randomSeed + i));
  }
  return out;
}

function makeMetric(
  name: string,
  family: Family,
  s: Shape,
  injection: Injection | undefined,
  noiseSeed: number,
): SeedMetric {
  const normal = (ts: number, noise: number) => {
    const v = s.mean * (1 + s.amplitude * daily(ts) + s.noise * noise);
    return family === 'errors' ? Math.max(0, v) : v;
  };
  return {
    name,
    family,
    injection,
    valueAt(ts) {
      // Noise from the timestamp alone, so history and live points agree whichever path sends them.
      const noise = gaussian(seededRandom(noiseSeed * 1_000_003 + Math.floor(ts)));
      let v = normal(ts, noise);
      if (injection && ts >= injection.from && ts <= injection.until) {
        switch (injection.kind) {
          case 'spike':
            v = s.mean * (1 + s.amplitude) * 4 + v;
            break;
          case 'drop':
            v = v * 0.02;
            break;
          case 'level-shift':
            v = v + s.mean * (2 * s.amplitude + 1);
            break;
          // The daily cycle breaks: the value sits at the opposite end of its usual range.
          case 'seasonal-break':
            v = s.mean * (1 - s.amplitude * Math.sign(daily(ts) || 1) + s.noise * noise);
            break;
        }
      }
      return s.integer ? Math.round(v) : Math.round(v * 100) / 100;
    },
  };
}
