/**
 * Episodes: consecutive detections of one metric are one incident, so they get one
 * episode with a start and an end, and one alert. The analyzer keeps one `EpisodeState` per metric
 * (it is plain JSON, so it can live in the Store between cycles) and calls `advanceEpisode` once per
 * cycle with that cycle's verdict.
 *
 * - A detection within `gap` seconds of the episode's last detection extends it (no alert).
 * - A later detection opens a new episode. It may alert, unless it comes within `quietPeriod` seconds
 *   after the previous episode closed (`gap` after its last detection): then it is recorded but
 *   suppressed, because a metric that just settled often wobbles again.
 * - An episode that may alert does so once, on its first detection whose anomaly score reaches
 *   `minScore`: a borderline detection is recorded (and shown) but pages nobody unless the episode
 *   gets more extreme.
 */

export interface EpisodeOptions {
  /** Seconds without a detection after which an episode is over. */
  readonly gap: number;
  /** Seconds after an episode closed during which a new episode does not alert. */
  readonly quietPeriod: number;
  /** Lowest anomaly score that alerts (0 = every episode's first detection alerts). */
  readonly minScore?: number;
}

export interface EpisodeState {
  /** Stable id: the metric name and the start timestamp. */
  readonly id: string;
  readonly start: number;
  /** Timestamp of the latest detection. */
  readonly end: number;
  /** Detections so far. */
  readonly detections: number;
  /** Whether this episode sent its alert. */
  readonly alerted: boolean;
  /** False when it opened inside a quiet period: it never alerts. */
  readonly mayAlert: boolean;
}

export interface EpisodeStep {
  /** The metric's state to keep for the next cycle (the last episode, open or finished). */
  readonly state: EpisodeState | null;
  /** The episode this verdict belongs to, or null for a normal verdict. */
  readonly episode: EpisodeState | null;
  /** True at most once per episode: on its first detection scoring at least `minScore`. */
  readonly alert: boolean;
}

/**
 * Seconds in `seconds`, but at least `steps` sampling intervals: a 10-minute gap means nothing for
 * an hourly metric. The analyzer knows each metric's step from its window.
 */
export function episodeOptionsForStep(
  step: number,
  seconds: EpisodeOptions,
  steps: EpisodeOptions,
): EpisodeOptions {
  return {
    ...seconds,
    gap: Math.max(seconds.gap, steps.gap * step),
    quietPeriod: Math.max(seconds.quietPeriod, steps.quietPeriod * step),
  };
}

/** Defaults in seconds and in sampling steps; the larger applies (see `episodeOptionsForStep`). */
export const EPISODE_SECONDS: EpisodeOptions = { gap: 600, quietPeriod: 1800 };
export const EPISODE_STEPS: EpisodeOptions = { gap: 3, quietPeriod: 6 };

export function isOpen(state: EpisodeState, now: number, options: EpisodeOptions): boolean {
  return now - state.end <= options.gap;
}

/** One cycle's verdict (and its anomaly score) for a metric at `timestamp`. Pure: returns the new state. */
export function advanceEpisode(
  metric: string,
  prev: EpisodeState | null,
  timestamp: number,
  anomalous: boolean,
  options: EpisodeOptions,
  score = 1,
): EpisodeStep {
  if (!anomalous) return { state: prev, episode: null, alert: false };
  const strong = score >= (options.minScore ?? 0);
  if (prev && isOpen(prev, timestamp, options)) {
    const alert = prev.mayAlert && !prev.alerted && strong;
    const episode = {
      ...prev,
      end: Math.max(prev.end, timestamp),
      detections: prev.detections + 1,
      alerted: prev.alerted || alert,
    };
    return { state: episode, episode, alert };
  }
  const mayAlert = !(prev !== null && timestamp - prev.end <= options.gap + options.quietPeriod);
  const alert = mayAlert && strong;
  const episode: EpisodeState = {
    id: `${metric}@${timestamp}`,
    start: timestamp,
    end: timestamp,
    detections: 1,
    alerted: alert,
    mayAlert,
  };
  return { state: episode, episode, alert };
}

/** Applies `advanceEpisode` along a replayed series: which rows alert. */
export function alertRows(
  metric: string,
  timestamps: Float64Array,
  anomalous: ArrayLike<boolean>,
  scores: ArrayLike<number>,
  options: EpisodeOptions,
): boolean[] {
  let state: EpisodeState | null = null;
  const out = new Array<boolean>(timestamps.length);
  for (let i = 0; i < timestamps.length; i++) {
    const step = advanceEpisode(metric, state, timestamps[i], anomalous[i], options, scores[i]);
    state = step.state;
    out[i] = step.alert;
  }
  return out;
}
