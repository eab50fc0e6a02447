import { consensusRules, type AnalyzerRules } from './rules.js';
import { scoreAnomaly } from './anomalyScore.js';
import { isConsensus } from './consensus.js';
import { getDetector, mergeOptions } from './detectors/registry.js';
import { SEASONAL_DETECTORS } from './detectors/seasonalBaseline.js';
import { DetectorError, type DetectorInput, type Vote } from './detectors/types.js';
import { classifyException, type AnalysisException } from './exceptions.js';
import type { Preset } from './presets.js';

export type Verdict = 'anomalous' | 'normal' | AnalysisException;

/** The `kale analyze --json` contract (DESIGN §12), plus the detector error when one aborted. */
export interface Analysis {
  readonly verdict: Verdict;
  /** Present whenever detectors ran. */
  readonly votes?: Record<string, Vote>;
  readonly datapoint: number;
  readonly score: number;
  /** Set when a detector could not judge and the preset aborts (Etsy: "Algorithm error"). */
  readonly error?: string;
}

export interface AnalyzeOptions {
  readonly preset: Preset;
  readonly rules: AnalyzerRules;
  /** The wall clock (or `--now`): staleness is always judged against it. */
  readonly now: number;
  readonly metric?: string;
  /** Longer-range context for detectors that use it (seasonal history from torus rollups). */
  readonly context?: DetectorInput['context'];
}

/** Judges one sorted, de-duplicated series. Pure apart from custom detectors the config adds. */
export function analyzeSeries(timestamps: Float64Array, values: Float64Array, opts: AnalyzeOptions): Analysis {
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
  const votes: Record<string, Vote> = {};
  const list: Vote[] = [];
  for (const { name, options, detector: own } of opts.preset.detectors) {
    const detector = own ?? getDetector(name);
    if (!detector) throw new Error(`preset ${opts.preset.name} names unknown detector "${name}"`);
    let vote: Vote;
    try {
      vote = detector.detect(input, mergeOptions(detector, options));
    } catch (err) {
      if (!(err instanceof DetectorError)) throw err;
      if (opts.preset.onDetectorError === 'abort') {
        return { verdict: 'normal', datapoint, score: 0, error: `${name}: ${err.message}` };
      }
      vote = null;
    }
    votes[name] = vote;
    list.push(vote);
  }
  const anomalous = isConsensus(list, consensusRules(opts.rules, list.length)) && !(opts.preset.seasonal === 'gate' && seasonallyNormal(votes));
  return { verdict: anomalous ? 'anomalous' : 'normal', votes, datapoint, score: scoreAnomaly(input, votes, list, opts.preset) };
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
