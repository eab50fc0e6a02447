import { studentTSf } from '../stats/studentT.js';
import { cauchyCombination } from './cauchyCombination.js';
import type { MetricState } from './metricState.js';
import type { TailSketch } from './tailSketch.js';

/**
 * Calibrated severity (docs/detection.md): every detector's evidence becomes a tail probability
 * against this metric's own history of that detector's evidence; the probabilities are combined
 * (Cauchy combination), so the final p says "rows of this metric at least this strange happen about
 * p of the time", whatever the series' scale or distribution.
 */

/**
 * Rows of prior belief while a metric's history is short: the reference tails below stand for this
 * many rows, so a new metric neither pages on its first bursts nor stays blind for long.
 */
const PRIOR_ROWS = 30;
/** Rarity (−log10 p) from which a row keeps an incident open: rarer than 1 row in 100. */
export const EXCITED = 2;
/**
 * Rarity of an unusual row: rarer than 1 row in 20. A run of unusual rows is learned for its first
 * LEARNED_RUN rows only: a sustained excursion too mild to open an incident (a young metric's level
 * shift, while its reference tail is still heavy) would otherwise teach the metric that it is
 * ordinary, and every later one would pass unseen. Noise seldom has four unusual rows in a row, so
 * the tail the sketch learns is hardly cut short (the noise-rate tests hold). Measured: NAB standard
 * 49.1 → 53.5 on the real dev metrics, 21.0 either way on the synthetic ones (docs/detection.md).
 */
const UNUSUAL = 1.3;
const LEARNED_RUN = 3;
/**
 * Inside an open incident, a row is news again only when it is this many decades (about 5.6×) rarer
 * than the peak. An incident often opens on a mild row and peaks later, so a margin of a whole decade
 * hid incidents from a threshold above the opening row's score (measured on 2026-12-03); too small a
 * margin flags an excursion's every climb. Half a decade until 2026-12-05; at three quarters the
 * five-minute sets paged less inside incidents and anomaly-dev held (NAB standard 48.9 → 50.8 on
 * the dev set at 5 minutes, 39.2 → 40.2 synthetic, 64.2 → 64.5 anomaly-dev; docs/detection.md).
 */
const ESCALATION = 0.75;
/** Rarity at which the score is ½: one row in 10,000. */
const HALF_SCORE_RARITY = 4;

/**
 * Two-sided Student t tail of |z| with 3 degrees of freedom: the tail before a metric has history of
 * its own. Heavier than a normal's (ops data is heavy-tailed: 4 σ is 1 in 36 rows, not 1 in 16,000),
 * yet a clear spike on a new metric (50 σ: 1 in 60,000) still stands out.
 */
function referenceTail(e: number): number {
  return Math.min(1, 2 * studentTSf(e, 3));
}

/**
 * How the chances a metric has to page by accident grow with its rows per hour: as their 0.75th
 * power. Independent rows would make it 1 (60 rows an hour, 60 chances), but neighbouring rows of a
 * fine metric are not independent (an excursion spans several and pages once), so a finer metric has
 * fewer chances than rows. With 1, one threshold over metrics of mixed steps ranked the finer
 * metrics' rows too low: NAB standard with one threshold over anomaly-dev's hourly series, the dev
 * set at 5 minutes and anomaly-synthetic, pooled, 37.4 at 1, 43.1 at 0.75, 44.7 at 0.5
 * (docs/detection.md); 0.75 keeps a minute metric's accidental pages within 3× of an hourly one's.
 */
const ROWS_PER_HOUR_EXPONENT = 0.75;

/**
 * A row's rarity (−log10 of its tail probability per row) as a rarity per hour of the metric's life:
 * what an operator feels is false pages per day, and a one-minute metric has more chances an hour
 * than an hourly one (ROWS_PER_HOUR_EXPONENT). Steps are taken between a second and a day.
 */
export function hourlyRarity(rarity: number, step: number): number {
  return rarity - ROWS_PER_HOUR_EXPONENT * Math.log10(3600 / Math.min(Math.max(step, 1), 86400));
}

/** The score users threshold, in [0, 1): an hourly rarity L maps to L / (L + 4): 0.5 = once in 10⁴ hours, 0.6 = in 10⁶. */
export function scoreOfRarity(rarity: number): number {
  return rarity > 0 ? rarity / (rarity + HALF_SCORE_RARITY) : 0;
}

/** The inverse of `scoreOfRarity`: the rarity a score threshold stands for. */
export function rarityOfScore(score: number): number {
  return score >= 1 ? Infinity : (HALF_SCORE_RARITY * score) / (1 - score);
}

function calibrated(sketch: TailSketch, e: number, reference: number): number {
  const n = sketch.total;
  const p = sketch.tail(e);
  return p === null ? reference : (n * p + PRIOR_ROWS * reference) / (n + PRIOR_ROWS);
}

export type IncidentRole = 'start' | 'escalation' | 'ongoing';

export interface Calibrated {
  /** −log10 of the final tail probability. */
  readonly rarity: number;
  /** scoreOfRarity(hourlyRarity(rarity)), whether or not the row opens an incident. */
  readonly rawScore: number;
  /**
   * What a user thresholds: the raw score on an incident's first row or an escalation, and on a row
   * outside incidents unless it repeats a run of unusual rows; else 0.
   */
  readonly score: number;
  /** The row's place in an incident, when one is open after it. */
  readonly role: IncidentRole | null;
  /** Start of the incident the row belongs to. */
  readonly incidentStart: number | null;
  /** Per-detector tail probabilities (null = the detector could not judge). */
  readonly tails: ReadonlyArray<number | null>;
  /** Flagged: `score` reached the flag score (an incident's start or an escalation). */
  readonly anomalous: boolean;
  /** The first flagged row of its incident: the one that pages. */
  readonly page: boolean;
  /**
   * The row continues an incident that was flagged and is still excited (rarer than 1 in 100): it
   * belongs to that episode, shown with it but not flagged again.
   */
  readonly continues: boolean;
  /** A row after the last one judged (live cycles see a row again until the next point arrives). */
  readonly isNew: boolean;
}

/**
 * Judges one row's evidence against the metric's state and then adds the evidence to it. Rows at or
 * before the last judged timestamp (a cycle that saw no new point) are judged but not counted again.
 *
 * `gap`: seconds without an excited row after which an incident is over; `flagScore`: the lowest
 * score flagged anomalous; `step`: the metric's sampling step in seconds.
 */
export function calibrate(
  state: MetricState,
  evidence: ReadonlyArray<number | null>,
  timestamp: number,
  gap: number,
  flagScore: number,
  step: number,
): Calibrated {
  const tails: Array<number | null> = [];
  const judged: number[] = [];
  // A detector that starts judging late (the weekly one after a week) has little history of its own
  // while the others have much: it joins the combination once it has seen a quarter as many rows as
  // the most experienced one (and PRIOR_ROWS), so rare-but-normal events (a count's bursts) are
  // known to it too. On a new metric all are young, and all judge by the reference tail.
  const mature = Math.max(PRIOR_ROWS, Math.max(...state.sketches.map((s) => s.total)) / 4);
  const allYoung = state.sketches.every((s) => s.total < PRIOR_ROWS);
  evidence.forEach((e, i) => {
    if (e === null || !Number.isFinite(e)) {
      tails.push(e === Infinity ? 0 : null);
      if (e === Infinity) judged.push(0);
      return;
    }
    const p = calibrated(state.sketches[i], e, referenceTail(e));
    tails.push(p);
    if (allYoung || state.sketches[i].total >= mature) judged.push(p);
  });
  // Calibrated tails in, calibrated tail out: the combination is used as it is. Calibrating it once
  // more against the metric's own history made every series flag at the same rate, anomalous or not,
  // and cost half the NAB score on the dev sets (docs/detection.md).
  const p = cauchyCombination(judged);
  const rarity = p > 0 ? Math.min(-Math.log10(p), 300) : 300;
  const isNew = timestamp > state.lastJudged;

  const rawScore = scoreOfRarity(hourlyRarity(rarity, step));
  const open = state.incident !== null && timestamp - state.incident.lastExcited <= gap;
  let role: IncidentRole | null = null;
  let news = !open;
  if (open) {
    const incident = state.incident!;
    news = rarity > incident.peak + ESCALATION;
    role = news ? 'escalation' : 'ongoing';
    if (isNew && rarity >= EXCITED) {
      incident.lastExcited = Math.max(incident.lastExcited, timestamp);
      incident.peak = Math.max(incident.peak, rarity);
    }
  } else if (rarity >= EXCITED) {
    role = 'start';
    if (isNew) state.openIncident(timestamp, rarity);
  }
  // A run of unusual rows that opens no incident is one excursion too: a row that continues it is news
  // only when rarer than the run's peak by the escalation margin. Otherwise a mild excursion, below
  // the incident level but above a user's threshold, flags row after row (measured: 362 of the 681
  // false positives on anomaly-dev at the NAB threshold; docs/detection.md).
  const runBefore = isNew ? state.unusualRun : state.unusualRun - 1;
  const repeatsRun = role === null && runBefore > 0 && rarity <= state.runPeak + ESCALATION;
  // The history is of ordinary rows and incident onsets: the rows inside an incident would teach the
  // metric that a sustained anomaly is ordinary (a level shift held for a day is a day of big
  // evidence). Bursts that come and go each start an incident, so they are still learned.
  if (isNew) {
    state.unusualRun = rarity >= UNUSUAL ? state.unusualRun + 1 : 0;
    state.runPeak = state.unusualRun === 0 ? 0 : Math.max(state.unusualRun > 1 ? state.runPeak : 0, rarity);
    if (role !== 'ongoing' && state.unusualRun <= LEARNED_RUN) {
      evidence.forEach((e, i) => {
        if (e !== null && Number.isFinite(e)) state.sketches[i].add(e);
      });
    }
    state.lastJudged = timestamp;
  }
  const score = news && !repeatsRun ? rawScore : 0;
  const anomalous = score > 0 && score >= flagScore;
  const page = anomalous && isNew && role !== null && !state.incident!.flagged;
  if (page) state.incident!.flagged = true;
  const continues =
    !anomalous && role !== null && role !== 'start' && rarity >= EXCITED && state.incident!.flagged;
  return {
    rarity,
    rawScore,
    score,
    role,
    incidentStart: role ? (state.incident?.start ?? timestamp) : null,
    tails,
    anomalous,
    page,
    continues,
    isNew,
  };
}
