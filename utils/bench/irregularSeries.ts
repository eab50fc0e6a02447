import { UsageError } from '../../core/cli.js';
import { fnv1a } from '../../core/fnv1a.js';
import { seededRandom } from '../seed/random.js';
import type { LabelledSeries } from './labelledCsv.js';

/**
 * `kale bench detection --irregular`: the dev sets are sampled like clockwork, real collectors are
 * not. These make a labelled series irregular the way ops data is, reproducibly (one seed per file
 * name), so detection can be measured on the same anomalies with the sampling roughened:
 *
 * - `jitter`: every timestamp moved by up to ±10 % of the step (a point a few seconds early or late),
 *   at most a tenth of the smaller gap beside it where the sampling is uneven, so no two points cross;
 * - `drop`: 15 % of the unlabelled rows missing (lost datagrams, a collector skipping a beat);
 * - `outage`: six hours of unlabelled rows missing once, between 40 % and 60 % of the file;
 * - `wander`: every step stretched or shrunk by a factor between 0.5 and 1.5 (a sensor or an event
 *   source that reports every 2.5 to 7.5 minutes rather than every 5), applied first.
 *
 * Labelled rows are never removed, so every anomaly is still there to find.
 */
export const IRREGULARITIES = ['jitter', 'drop', 'outage', 'wander'] as const;
export type Irregularity = (typeof IRREGULARITIES)[number];

const JITTER = 0.1;
const DROPPED = 0.15;
const OUTAGE_SECONDS = 6 * 3600;
/** `wander`: each step is multiplied by a factor drawn evenly from 1 ± this. */
const WANDER = 0.5;

export function irregularSeries(series: LabelledSeries, kinds: ReadonlySet<Irregularity>): LabelledSeries {
  const n = series.timestamps.length;
  if (n < 2 || kinds.size === 0) return series;
  const random = seededRandom(fnv1a(series.file));
  const ts = kinds.has('wander') ? wandered(series.timestamps, random) : series.timestamps;
  const outageStart = ts[0] + (0.4 + 0.2 * random()) * (ts[n - 1] - ts[0]);
  const kept: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = ts[i];
    const dropped =
      series.labels[i] === 0 &&
      ((kinds.has('drop') && random() < DROPPED) ||
        (kinds.has('outage') && t >= outageStart && t < outageStart + OUTAGE_SECONDS));
    if (!dropped) kept.push(i);
  }
  // A tenth of the smaller gap beside a point: two neighbours move at most a fifth of their gap together.
  const room = (i: number) =>
    Math.min(i > 0 ? ts[i] - ts[i - 1] : Infinity, i < n - 1 ? ts[i + 1] - ts[i] : Infinity);
  const shift = (i: number) =>
    kinds.has('jitter') ? Math.round(ts[i] + (2 * random() - 1) * JITTER * room(i)) : ts[i];
  return {
    ...series,
    timestamps: Float64Array.from(kept, shift),
    values: Float64Array.from(kept, (i) => series.values[i]),
    labels: Uint8Array.from(kept, (i) => series.labels[i]),
  };
}

/** Timestamps whose every step is the original one times a factor in [1 − WANDER, 1 + WANDER], from the first. */
function wandered(timestamps: Float64Array, random: () => number): Float64Array {
  const out = new Float64Array(timestamps.length);
  out[0] = timestamps[0];
  for (let i = 1; i < out.length; i++)
    out[i] = out[i - 1] + Math.round((timestamps[i] - timestamps[i - 1]) * (1 + WANDER * (2 * random() - 1)));
  return out;
}

/** The kinds named by a comma-separated list (empty: none); an unknown one is a usage error naming the known ones. */
export function parseIrregularities(list: string, flag: string): Set<Irregularity> {
  const kinds = new Set<Irregularity>();
  for (const raw of list.split(',')) {
    const kind = raw.trim();
    if (kind === '') continue;
    if (!(IRREGULARITIES as ReadonlyArray<string>).includes(kind))
      throw new UsageError(`${flag}: unknown irregularity "${kind}" (known: ${IRREGULARITIES.join(', ')})`);
    kinds.add(kind as Irregularity);
  }
  return kinds;
}
