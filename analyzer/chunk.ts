import { packBytes, packedItem, type PackedBytes, type PackingBuffers } from '../core/store/packedBytes.js';
import { decodeWindow } from '../core/store/windowCodec.js';
import { analyzeSeries, needsWarmUp, type Verdict } from './analyze.js';
import type { Vote } from './detectors/types.js';
import type { Preset } from './presets.js';
import type { AnalyzerRules } from './rules.js';
import { historyContext, type ChunkHistory } from './seasonalHistory.js';
import { MetricState, lineUpSignature } from './calibration/metricState.js';
import { MetricContext } from './context/metricContext.js';
import { lineUpOf } from './presets.js';

/**
 * One unit of work for a worker thread: the raw Skyline windows of a chunk of metrics packed into
 * one transferable buffer (`offsets[i]..offsets[i+1]`; a negative length marks a missing key).
 */
export interface ChunkRequest {
  readonly id: number;
  readonly names: string[];
  readonly bytes: Uint8Array;
  readonly offsets: Int32Array;
  readonly now: number;
  /** Seasonal history from torus rollups, when the preset uses it and the metrics have it. */
  readonly history?: ChunkHistory;
  /** The metrics' stored state, packed like the windows: calibration (calibrated presets) and context rings. */
  readonly calibration?: PackedBytes;
  readonly context?: PackedBytes;
  /** New metrics that may learn from their window in this chunk (default WARM_UPS_PER_CHUNK). */
  readonly warmUps?: number;
}

/** Full detail only for anomalous metrics; everything else is counted. */
export interface MetricOutcome {
  readonly metric: string;
  readonly timestamp: number;
  readonly value: number;
  readonly score: number;
  readonly votes: Record<string, Vote>;
  /** Calibrated presets: the row was flagged (else it continues an incident and is only recorded). */
  readonly flagged?: boolean;
  /** Calibrated presets: the incident's first flagged row, the one that pages. */
  readonly page?: boolean;
  /** Calibrated presets: when the incident the row belongs to started. */
  readonly incidentStart?: number;
}

/** Reasons a metric was not judged: the §6.2 exceptions plus what the store or detectors said. */
/**
 * `Failed`: a detector threw something other than "cannot judge" (a bug, or input no detector
 * expected): counted for that metric, the rest of the chunk goes on. `Timeout`: the chunk's worker
 * did not answer in time and was replaced; every metric of the chunk counts. `Deadline`: the cycle's
 * deadline came before the metric was read or judged (analyzer/runner.ts).
 */
export type SkipReason =
  | 'TooShort'
  | 'Stale'
  | 'Boring'
  | 'Missing'
  | 'Undecodable'
  | 'DetectorError'
  | 'Failed'
  | 'Timeout'
  | 'Deadline';

export interface ChunkResult {
  readonly id: number;
  readonly anomalies: MetricOutcome[];
  readonly analyzed: number;
  readonly exceptions: Partial<Record<SkipReason, number>>;
  /** How many anomalous metrics each detector voted for (Skyline's "anomaly breakdown"). */
  readonly breakdown: Record<string, number>;
  readonly decodeMs: number;
  readonly detectMs: number;
  /** New metrics that learned from their window this cycle (calibrated presets). */
  readonly warmedUp: number;
  /** The first `Failed` metric and what its detector threw, for the cycle's log. */
  readonly failure?: string;
  /** State to store back: [metric index, bytes]; context only where a slot closed. */
  readonly calibration: Array<[number, Uint8Array]>;
  readonly context: Array<[number, Uint8Array]>;
}

/**
 * Packs raw windows for transfer; `null` (no key) gets length −1. The runner packs into `buffers`,
 * which its workers hand back: a chunk's windows are tens of megabytes, and a fresh buffer for each
 * cost 100–255 ms of page faults on the listeners' thread in a soak with full windows.
 */
export async function packChunk(
  id: number,
  names: string[],
  raws: ReadonlyArray<Uint8Array | null>,
  now: number,
  buffers?: PackingBuffers,
): Promise<ChunkRequest> {
  return { id, names, ...(buffers ? await buffers.pack(raws) : packBytes(raws)), now };
}

function unpacked(packed: PackedBytes | undefined, i: number): Uint8Array | null {
  return packed ? packedItem(packed, i) : null;
}

/** A tenth of the runner's 500-metric chunks: a warm-up costs some 32 judgements; measured, a warm-up cycle costs 1.6× a steady one. */
export const WARM_UPS_PER_CHUNK = 50;

const EXCEPTION_VERDICTS = new Set<Verdict>(['TooShort', 'Stale', 'Boring']);

export function analyzeChunk(req: ChunkRequest, preset: Preset, rules: AnalyzerRules): ChunkResult {
  const exceptions: Partial<Record<SkipReason, number>> = {};
  const count = (r: SkipReason) => {
    exceptions[r] = (exceptions[r] ?? 0) + 1;
  };
  const anomalies: MetricOutcome[] = [];
  const breakdown: Record<string, number> = {};
  let analyzed = 0;
  let decodeMs = 0;
  let detectMs = 0;
  const calibrated = preset.severity === 'calibrated';
  const signature = lineUpSignature(lineUpOf(preset));
  const calibration: Array<[number, Uint8Array]> = [];
  const contexts: Array<[number, Uint8Array]> = [];
  // New metrics learn from their window, at most `warmUps` per chunk and cycle (a tenth of a full
  // chunk), so a cold start of many stays bounded (the rest judge against the reference tail until their turn).
  const warmUpBudget = req.warmUps ?? WARM_UPS_PER_CHUNK;
  let failure: string | undefined;
  let warmUps = warmUpBudget;
  for (let i = 0; i < req.names.length; i++) {
    const len = req.offsets[2 * i + 1];
    if (len < 0) {
      count('Missing');
      continue;
    }
    const t0 = performance.now();
    let series;
    try {
      series = decodeWindow(req.bytes.subarray(req.offsets[2 * i], req.offsets[2 * i] + len));
    } catch {
      count('Undecodable');
      continue;
    }
    const t1 = performance.now();
    decodeMs += t1 - t0;
    let context = historyContext(req.history, i);
    let state: MetricState | undefined;
    if (req.context) {
      const rings = MetricContext.decode(unpacked(req.context, i));
      if (rings.absorb(series.timestamps, series.values)) contexts.push([i, rings.encode()]);
      // A user's torus rollup, when it has the seasonal history, is longer and finer than the hourly ring.
      context = { ...rings.history(series.timestamps[series.timestamps.length - 1]), ...context };
    }
    if (calibrated)
      state = MetricState.decode(unpacked(req.calibration, i), signature, preset.detectors.length);
    let a;
    try {
      a = analyzeSeries(series.timestamps, series.values, {
        preset,
        rules,
        now: req.now,
        metric: req.names[i],
        context,
        lazy: true,
        state,
        warmUp: state !== undefined && needsWarmUp(state) && warmUps-- > 0,
      });
    } catch (err) {
      count('Failed');
      failure ??= `${req.names[i]}: ${(err as Error).message}`;
      continue;
    } finally {
      detectMs += performance.now() - t1;
    }
    if (EXCEPTION_VERDICTS.has(a.verdict)) {
      count(a.verdict as SkipReason);
      continue;
    }
    if (a.error) {
      count('DetectorError');
      continue;
    }
    analyzed++;
    if (state) calibration.push([i, state.encode()]);
    const c = a.calibration;
    // A calibrated row is recorded once, when new: flagged, or continuing a flagged incident.
    const recorded = c ? c.isNew && (c.anomalous || c.continues) : a.verdict === 'anomalous';
    if (!recorded) continue;
    const n = series.timestamps.length;
    anomalies.push({
      metric: req.names[i],
      timestamp: series.timestamps[n - 1],
      value: a.datapoint,
      score: c ? c.rawScore : a.score,
      votes: a.votes ?? {},
      ...(c && { flagged: c.anomalous, page: c.page, incidentStart: c.incidentStart ?? undefined }),
    });
    for (const [name, vote] of Object.entries(a.votes ?? {}))
      if (vote === true) breakdown[name] = (breakdown[name] ?? 0) + 1;
  }
  return {
    id: req.id,
    anomalies,
    analyzed,
    exceptions,
    breakdown,
    decodeMs,
    detectMs,
    warmedUp: warmUpBudget - Math.max(0, warmUps),
    calibration,
    context: contexts,
    failure,
  };
}
