/**
 * The worker behind detectorsTerminate.test.ts: runs every built-in detector over hostile series and
 * reports each case before running it, so a detector that never returns is named by the case it is
 * stuck on (the test thread stays free to notice and stop this one).
 */
import { parentPort, workerData } from 'node:worker_threads';
import fc from 'fast-check';
import { DETECTORS, mergeOptions } from '../../analyzer/detectors/registry.js';
import type { DetectorInput, DetectorOptions } from '../../analyzer/detectors/types.js';

export interface TerminateCase {
  readonly timestamps: number[];
  readonly values: number[];
  readonly now: number;
  readonly context: boolean;
}
export type FromTerminateWorker =
  | { t: 'case'; detector: string; input: string }
  | { t: 'done'; runs: number; bad: string[] };

const port = parentPort!;
const { numRuns } = workerData as { numRuns: number };

/** Option sets each detector is run with: its defaults, and the etsy preset's overrides where it has some. */
const ETSY_OVERRIDES: Record<string, DetectorOptions> = {
  median_absolute_deviation: { abstainWhenNormal: true },
  grubbs: { twoSided: false },
  least_squares: { fit: 'lstsq' },
};
const NOW = 1_700_000_000;
const HOSTILE = [NaN, Infinity, -Infinity, 1e308, -1e308, Number.MIN_VALUE, -0, 0, 1, 2 ** 53];

const value = fc.oneof(fc.double(), fc.constantFrom(...HOSTILE), fc.integer({ min: -5, max: 5 }));
/** Regular steps ending at `now` (how real series look), sorted with duplicates, or in any order. */
const timestamps = (n: number) =>
  fc.oneof(
    fc.constantFrom(1, 10, 60).map((step) => Array.from({ length: n }, (_, i) => NOW - (n - 1 - i) * step)),
    fc
      .array(fc.integer({ min: NOW - 90_000, max: NOW }), { minLength: n, maxLength: n })
      .map((t) => t.sort((a, b) => a - b)),
    fc.array(
      fc.oneof(fc.integer({ min: NOW - 90_000, max: NOW + 10 }), fc.constantFrom(NaN, Infinity, -Infinity)),
      { minLength: n, maxLength: n },
    ),
  );
const series = fc.integer({ min: 0, max: 400 }).chain((n) =>
  fc.record({
    timestamps: timestamps(n),
    values: fc.oneof(
      fc.array(value, { minLength: n, maxLength: n }),
      value.map((v) => Array.from({ length: n }, () => v)),
      fc
        .array(value, { minLength: n, maxLength: n })
        .map((vs) => vs.map((v, i) => (i === n >> 1 ? NaN : Math.sin(i) + (Number.isFinite(v) ? 0 : 0)))),
    ),
    now: fc.constantFrom(NOW, NOW + 30, NOW + 100_000),
    context: fc.boolean(),
  }),
);

/** The cases the issue and the brief name, before the random ones. */
const regular = (n: number, f: (i: number) => number, step = 10): TerminateCase => ({
  timestamps: Array.from({ length: n }, (_, i) => NOW - (n - 1 - i) * step),
  values: Array.from({ length: n }, (_, i) => f(i)),
  now: NOW,
  context: false,
});
const NAMED: TerminateCase[] = [
  regular(100, (i) => (i === 50 ? NaN : Math.sin(i / 5)), 60),
  // An hour at 10 s: both KS samples are long enough to be compared.
  regular(400, (i) => (i === 50 ? NaN : Math.sin(i / 5))),
  regular(400, (i) => (i === 399 ? NaN : Math.sin(i / 5))),
  regular(100, () => NaN),
  regular(100, (i) => (i % 7 === 0 ? Infinity : i)),
  regular(100, (i) => (i % 2 ? -Infinity : 1e308)),
  regular(100, () => 1e308),
  regular(100, () => 3),
  regular(1, () => 3),
  regular(0, () => 3),
  {
    timestamps: Array.from({ length: 100 }, () => NOW),
    values: Array.from({ length: 100 }, (_, i) => i),
    now: NOW,
    context: true,
  },
  {
    timestamps: Array.from({ length: 100 }, (_, i) => NOW - ((i * 37) % 100) * 60),
    values: Array.from({ length: 100 }, (_, i) => i % 5),
    now: NOW,
    context: true,
  },
];

function inputOf(c: TerminateCase): DetectorInput {
  const timestamps = Float64Array.from(c.timestamps);
  const values = Float64Array.from(c.values);
  const history = Float64Array.from(c.values.map((v, i) => (i % 3 ? v : NaN)));
  return {
    timestamps,
    values,
    now: c.now,
    fullDuration: 86_400,
    metric: 'hostile.metric',
    context: c.context
      ? Object.fromEntries(['daily', 'weekly', 'seasonalDaily', 'seasonalWeekly'].map((k) => [k, history]))
      : undefined,
  };
}

const THREW = Symbol('threw');
function attempt<T>(f: () => T): T | typeof THREW {
  try {
    return f();
  } catch {
    return THREW;
  }
}

const bad: string[] = [];
let runs = 0;
function check(c: TerminateCase): void {
  runs++;
  const input = inputOf(c);
  const shown = JSON.stringify({
    now: c.now,
    context: c.context,
    values: c.values.map(String),
    timestamps: c.timestamps.map(String),
  });
  for (const [name, detector] of DETECTORS) {
    for (const overrides of [undefined, ETSY_OVERRIDES[name]].filter((o, i) => i === 0 || o)) {
      port.postMessage({ t: 'case', detector: name, input: shown } satisfies FromTerminateWorker);
      const options = mergeOptions(detector, overrides);
      // Throwing is allowed: the analyzer counts it as that metric's exception and goes on.
      const vote = attempt(() => detector.detect(input, options));
      const evidence = attempt(() => detector.evidence?.(input, options) ?? null);
      const fine =
        (vote === THREW || vote === null || typeof vote === 'boolean') &&
        (evidence === THREW || evidence === null || typeof evidence === 'number');
      if (!fine && bad.length < 20)
        bad.push(`${name}: vote ${String(vote)}, evidence ${String(evidence)} for ${shown.slice(0, 300)}`);
    }
  }
}

for (const c of NAMED) check(c);
fc.assert(
  fc.property(series, (c) => {
    check(c);
  }),
  { numRuns, seed: 14 },
);
port.postMessage({ t: 'done', runs, bad } satisfies FromTerminateWorker);
