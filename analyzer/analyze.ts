import { consensusRules, type AnalyzerRules } from './rules.js';
import { scoreAnomaly } from './anomalyScore.js';
import { isConsensus } from './consensus.js';
import { mergeOptions } from './detectors/registry.js';
import { SEASONAL_DETECTORS } from './detectors/seasonalBaseline.js';
import { DetectorError, type DetectorInput, type Vote } from './detectors/types.js';
import { classifyException, type AnalysisException } from './exceptions.js';
import { isSeasonal, type Preset } from './presets.js';
import { calibrate, hourlyRarity, rarityOfScore, type Calibrated } from './calibration/calibrate.js';
import { MetricState } from './calibration/metricState.js';
import { withoutSeasonalEchoes } from './calibration/seasonalEchoes.js';
import { judgedResolution, lengthenedInput } from './context/metricContext.js';
import { recentStep } from './stats/recentStep.js';
import { EPISODE_SECONDS, EPISODE_STEPS, episodeOptionsForStep } from './episodes.js';

export type Verdict = 'anomalous' | 'normal' | AnalysisException;

/** The `kale analyze --json` contract, plus the detector error when one aborted. */
export interface Analysis {
  readonly verdict: Verdict;
  /** Present whenever detectors ran. */
  readonly votes?: Record<string, Vote>;
  readonly datapoint: number;
  readonly score: number;
  /** Set when a detector could not judge and the preset aborts (Etsy: "Algorithm error"). */
  readonly error?: string;
  /** Calibrated presets: the row's rarity, raw score and place in an incident. */
  readonly calibration?: Calibrated;
}

export interface AnalyzeOptions {
  readonly preset: Preset;
  readonly rules: AnalyzerRules;
  /** The wall clock (or `--now`): staleness is always judged against it. */
  readonly now: number;
  readonly metric?: string;
  /** Longer-range context for detectors that use it (seasonal history from torus rollups). */
  readonly context?: DetectorInput['context'];
  /**
   * Run the seasonal detectors only when the others reach consensus (their votes and the score of a
   * normal verdict are then incomplete, the verdict is the same). For the live cycle, which keeps
   * only anomalies; `kale analyze` and `kale replay` show every vote.
   */
  readonly lazy?: boolean;
  /**
   * Calibrated presets: the metric's state (evidence history, open incident), updated in place. A
   * fresh one when absent, which judges against the reference tails alone.
   */
  readonly state?: MetricState;
  /** Lowest score that is a verdict of "anomalous" (calibrated presets); default: the preset's alertScore. */
  readonly alertScore?: number;
  /**
   * Calibrated presets: a metric with no evidence history first learns from its own window (the
   * evidence at up to WARM_UP_ROWS earlier points), so a metric that arrives with a day of data is
   * judged against it at once. Off in replay, which learns row by row from the first.
   */
  readonly warmUp?: boolean;
}

/** Earlier points of the window a new metric learns from; the cost is that many judgements, once. */
export const WARM_UP_ROWS = 32;

/** Judges one sorted, de-duplicated series. Pure apart from custom detectors the config adds. */
export function analyzeSeries(
  timestamps: Float64Array,
  values: Float64Array,
  opts: AnalyzeOptions,
): Analysis {
  const n = values.length;
  const datapoint = n ? values[n - 1] : NaN;
  const exception = classifyException(timestamps, values, opts.now, opts.rules);
  if (exception) return { verdict: exception, datapoint, score: 0 };
  const input: DetectorInput = {
    timestamps,
    values,
    now: opts.preset.clock === 'given' ? opts.now : timestamps[n - 1],
    fullDuration: opts.rules.fullDuration,
    metric: opts.metric,
    context: opts.context,
  };
  if (opts.preset.severity === 'calibrated') return analyzeCalibrated(input, datapoint, opts);
  const votes: Record<string, Vote> = {};
  const list: Vote[] = [];
  const deferred: number[] = [];
  const judge = (i: number): string | undefined => {
    const { name, options, detector } = opts.preset.detectors[i];
    let vote: Vote = null;
    try {
      vote = detector.detect(input, mergeOptions(detector, options));
    } catch (err) {
      if (!(err instanceof DetectorError)) throw err;
      if (opts.preset.onDetectorError === 'abort') return `${name}: ${err.message}`;
    }
    votes[name] = vote;
    list[i] = vote;
    return undefined;
  };
  const aborted = (error: string): Analysis => ({ verdict: 'normal', datapoint, score: 0, error });
  for (let i = 0; i < opts.preset.detectors.length; i++) {
    const entry = opts.preset.detectors[i];
    // Every name gets its slot now, so `votes` keeps the preset's order.
    votes[entry.name] = null;
    list[i] = null;
    if (opts.lazy && isSeasonal(entry)) deferred.push(i);
    else {
      const error = judge(i);
      if (error) return aborted(error);
    }
  }
  const consensus = consensusRules(opts.rules, list.length);
  // A seasonal vote can only add a "normal" (or close the gate), never make a verdict anomalous:
  // without consensus from the others, skipping them changes no verdict.
  if (deferred.length && isConsensus(list, consensus)) {
    for (const i of deferred) {
      const error = judge(i);
      if (error) return aborted(error);
    }
  }
  const anomalous =
    isConsensus(list, consensus) && !(opts.preset.seasonal === 'gate' && seasonallyNormal(votes));
  return {
    verdict: anomalous ? 'anomalous' : 'normal',
    votes,
    datapoint,
    score: scoreAnomaly(input, votes, list, opts.preset),
  };
}

/** Did at least one seasonal detector judge, and every one that judged vote "normal"? */
function seasonallyNormal(votes: Record<string, Vote>): boolean {
  let judged = false;
  for (const name of SEASONAL_DETECTORS) {
    const v = votes[name];
    if (v === true) return false;
    if (v === false) judged = true;
  }
  return judged;
}

/**
 * Calibrated presets: every detector's evidence is judged against the metric's own history of it and
 * combined (analyzer/calibration/calibrate.ts). The verdict is "anomalous" when the row opens an
 * incident (or escalates one) with a score of at least alertScore; a detector's vote says whether
 * its own evidence alone was that rare.
 */
function analyzeCalibrated(window: DetectorInput, datapoint: number, opts: AnalyzeOptions): Analysis {
  const { preset } = opts;
  const step = recentStep(window.timestamps);
  const resolution = judgedResolution(window, step);
  const input = lengthenedInput(window, resolution);
  const evidenceOf = (at: DetectorInput) =>
    preset.detectors.map(({ options, detector, skipOn }) => {
      if (skipOn?.includes(resolution)) return null;
      const o = mergeOptions(detector, options);
      try {
        if (detector.evidence) return detector.evidence(at, o);
        // A detector with only a verdict (a config's custom one): "yes" is decisive, "no" is no evidence.
        return detector.detect(at, o) === true ? Infinity : null;
      } catch (err) {
        if (err instanceof DetectorError) return null;
        throw err;
      }
    });
  const state = opts.state ?? MetricState.fresh(0, preset.detectors.length);
  if (opts.warmUp && needsWarmUp(state)) warmUp(state, input, evidenceOf);
  const { timestamps } = input;
  const n = timestamps.length;
  const evidence = withoutSeasonalEchoes(evidenceOf(input), preset, state, timestamps[n - 1], step);
  const { gap } = episodeOptionsForStep(step, EPISODE_SECONDS, EPISODE_STEPS);
  const alertScore = flagScore(preset, opts.rules, opts.alertScore);
  const calibration = calibrate(state, evidence, timestamps[n - 1], gap, alertScore, step);
  // A detector votes anomalous when its own tail alone is as rare (per row) as the flag score asks.
  const alertTail = 10 ** -(rarityOfScore(alertScore) - hourlyRarity(0, step));
  const votes: Record<string, Vote> = {};
  preset.detectors.forEach(({ name }, i) => {
    const tail = calibration.tails[i];
    votes[name] = tail === null ? null : tail <= alertTail;
  });
  return {
    verdict: calibration.anomalous ? 'anomalous' : 'normal',
    votes,
    datapoint,
    score: calibration.score,
    calibration,
  };
}

/** The lowest score a calibrated preset flags: the caller's, else the config's, else the preset's. */
export function flagScore(preset: Preset, rules: AnalyzerRules, override?: number): number {
  return override ?? rules.alertScore ?? preset.alertScore ?? 0.5;
}

/** A state that has learned less than a warm-up's worth of rows (new, or judged only before its warm-up). */
export function needsWarmUp(state: MetricState): boolean {
  return state.sketches.every((s) => s.total < WARM_UP_ROWS);
}

/** Adds the evidence at up to WARM_UP_ROWS earlier points of the window, spread evenly, to a new state. */
function warmUp(
  state: MetricState,
  input: DetectorInput,
  evidenceOf: (at: DetectorInput) => Array<number | null>,
): void {
  const n = input.timestamps.length;
  const stride = Math.max(1, Math.floor((n - 1) / WARM_UP_ROWS));
  for (let end = n - 1 - stride * Math.min(WARM_UP_ROWS, n - 1); end < n - 1; end += stride) {
    if (end < 2) continue;
    const at = {
      ...input,
      timestamps: input.timestamps.subarray(0, end),
      values: input.values.subarray(0, end),
      now: input.timestamps[end - 1],
    };
    evidenceOf(at).forEach((e, i) => {
      if (e !== null && Number.isFinite(e)) state.sketches[i].add(e);
    });
  }
}
