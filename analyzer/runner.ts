import os from 'node:os';
import type { KaleConfig } from '../core/config/schema.js';
import type { Logger } from '../core/log.js';
import type {
  AnomalyRecord,
  AnomalyStore,
  MetricStateStore,
  RollupStore,
  StatusStore,
  WindowStore,
} from '../core/store/store.js';
import { packBytes, PackingBuffers } from '../core/store/packedBytes.js';
import {
  analyzeChunk,
  packChunk,
  WARM_UPS_PER_CHUNK,
  type ChunkRequest,
  type ChunkResult,
  type SkipReason,
} from './chunk.js';
import { metricsPerChunk } from './chunkBudget.js';
import { rawBytes } from '../core/store/byteBudget.js';
import { ReadPacer } from '../core/store/readPacer.js';
import { CONTEXT_HOURS, CONTEXT_STEP } from './context/metricContext.js';
import { beforeDeadline, cycleDeadlineSeconds, PAST_DEADLINE } from './cycleDeadline.js';
import {
  advanceEpisode,
  episodeOptionsForStep,
  EPISODE_STEPS,
  type EpisodeOptions,
  type EpisodeState,
} from './episodes.js';
import { resolvePreset, usesContext, type Preset } from './presets.js';

/** Per-metric analyzer state outlives its metric by the context's span, then expires with it. */
const STATE_TTL = CONTEXT_HOURS * CONTEXT_STEP;
import { rulesFromConfig, type AnalyzerRules } from './rules.js';
import { SeasonalHistoryReader } from './seasonalHistory.js';
import { SecondOrder } from './secondOrder.js';
import { inShard, type Shard } from './shard.js';
import { WorkerPool } from './workerPool.js';

export interface RunnerOptions {
  readonly store: WindowStore & RollupStore & AnomalyStore & MetricStateStore & StatusStore;
  readonly config: KaleConfig;
  readonly log: Logger;
  readonly presetName?: string;
  readonly shard?: Shard;
  /**
   * This cycle's share of every listed metric (the analyzer group's); replaces `shard`. `label` names
   * the share in the report.
   */
  readonly share?: { readonly label: string; select(names: ReadonlyArray<string>): Promise<string[]> };
  /**
   * Runs once the cycle's anomalies are recorded; what it returns joins the status document. The
   * group publishes the cycle here.
   */
  readonly afterCycle?: (report: CycleReport) => Promise<Record<string, unknown>>;
  /** Suffix of the kale.analyzer.* self-metric series (default: the static shard's). */
  readonly statsSuffix?: () => string;
  /** Worker threads; 0 = judge on the main thread. Default: config analyzer.workers. */
  readonly workers?: number;
  /** Metrics per MGET and per worker message. */
  readonly chunkSize?: number;
  /** Called with the anomalies that open a new, alerting episode; must not block (alerting runs beside the cycle). */
  readonly onAnomalies?: (records: ReadonlyArray<AnomalyRecord>) => void;
  /** Write run statistics and kale.analyzer.* self-metrics (off for benchmarks that only measure). */
  readonly writeStats?: boolean;
}

export interface CycleReport {
  readonly startedAt: number;
  readonly preset: string;
  readonly shard: string;
  readonly runTime: number;
  readonly totalMetrics: number;
  readonly analyzed: number;
  readonly anomalous: number;
  readonly exceptions: Partial<Record<SkipReason, number>>;
  readonly breakdown: Record<string, number>;
  /** Where the time went, in seconds: fetch = listing + MGET on the main thread; decode and detect are summed over workers. */
  readonly fetchSeconds: number;
  readonly decodeSeconds: number;
  readonly detectSeconds: number;
  /** New metrics that learned from their own window this cycle (calibrated presets; bounded per cycle). */
  readonly warmedUp: number;
  /** Chunks the metrics were read and judged in: more for long windows (chunkBudget.ts). */
  readonly chunks: number;
  /** Seconds reads waited for horizon's writer to catch up (core/store/readPacer.ts). */
  readonly paceWaitSeconds: number;
  /** The cycle's deadline in seconds; metrics it cut off are counted in `exceptions.Deadline`. */
  readonly deadlineSeconds: number;
}

/**
 * One analyzer: lists its shard's metrics, fetches windows in chunks (each read in paced batches, so
 * ingest keeps priority), judges them on worker threads. A cycle ends at its deadline: metrics not
 * read or judged by then are counted as `Deadline` and logged, and the next cycle starts on schedule.
 */
export class AnalyzerRunner {
  private readonly preset: Preset;
  private readonly rules: AnalyzerRules;
  private readonly pool: WorkerPool | undefined;
  /** Chunks judged or stored at once: the next chunk is read while these are. */
  private readonly maxInFlight: number;
  /** Raw window bytes per metric in the last chunk read: sizes the next chunk (chunkBudget.ts). */
  private bytesPerMetric = 0;
  /** The chunks' window buffers, reused from cycle to cycle (chunk.ts, packChunk). */
  private readonly windowBuffers: PackingBuffers;
  /** The last episode of every recently anomalous metric; one alert per episode (docs/architecture.md, "The path of an anomaly"). */
  private readonly episodes = new Map<string, EpisodeState>();
  private readonly episodeOptions: EpisodeOptions;
  private readonly secondOrder = new SecondOrder();
  private readonly history: SeasonalHistoryReader;
  /**
   * Calibrated presets: each metric's latest record of a flagged incident. A one-point spike is new
   * in one cycle only, so its record stays in the current list for `carryFor` seconds after its point.
   */
  private readonly incidents = new Map<string, AnomalyRecord>();
  private seeded = false;
  private nextId = 0;

  constructor(private readonly opts: RunnerOptions) {
    const { config } = opts;
    this.preset = resolvePreset(opts.presetName ?? config.analyzer.preset, config);
    this.rules = rulesFromConfig(config);
    this.history = new SeasonalHistoryReader(
      opts.store,
      config.horizon.schemas,
      this.preset,
      config.fullDuration,
      config.analyzer.seasonalReadsPerCycle,
    );
    // Functions from a config cannot cross into worker threads: custom detectors run on the main thread.
    const custom = Object.keys(config.analyzer.customDetectors).length > 0;
    const workers = custom ? 0 : (opts.workers ?? config.analyzer.workers ?? os.availableParallelism());
    this.maxInFlight = Math.max(2, workers * 2);
    this.windowBuffers = new PackingBuffers(this.maxInFlight);
    this.pool =
      workers > 0
        ? new WorkerPool(workers, this.preset.name, this.rules, config.analyzer.chunkTimeout * 1000, (b) =>
            this.windowBuffers.giveBack(b),
          )
        : undefined;
    // A metric is judged once a cycle, so the cycle interval is the step episodes are measured in.
    this.episodeOptions = episodeOptionsForStep(
      config.analyzer.interval,
      {
        gap: config.analyzer.episodeGap,
        quietPeriod: config.analyzer.quietPeriod,
        minScore: config.analyzer.alertScore ?? this.preset.alertScore,
      },
      EPISODE_STEPS,
    );
  }

  async runCycle(now = Date.now() / 1000): Promise<CycleReport> {
    const { store, config } = this.opts;
    const started = performance.now();
    if (!this.seeded) {
      // After a restart, the anomalies of the last cycle continue their episodes (and do not alert again).
      for (const r of await store.currentAnomalies().catch(() => [])) {
        if (r.flagged !== undefined) this.incidents.set(r.metric, r);
        this.episodes.set(r.metric, {
          id: r.episode,
          start: r.timestamp,
          end: r.timestamp,
          detections: 1,
          alerted: true,
          mayAlert: true,
        });
      }
      this.seeded = true;
    }
    this.history.startCycle();
    let fetchMs = 0;
    let t = performance.now();
    const listed = await store.listMetrics();
    const names = (
      this.opts.share
        ? await this.opts.share.select(listed)
        : listed.filter((n) => inShard(n, this.opts.shard))
    ).sort();
    fetchMs += performance.now() - t;
    const chunkSize = this.opts.chunkSize ?? 500;
    const deadlineSeconds = cycleDeadlineSeconds(config);
    const deadline = started + deadlineSeconds * 1000;
    const pacer = new ReadPacer(config.reads);
    const running: Array<{ result: Promise<ChunkResult>; stored: Promise<unknown> }> = [];
    const results: ChunkResult[] = [];
    /** Metrics the deadline cut off, and the first of them (for the log). */
    let cutOff = 0;
    let firstCut: string | undefined;
    const cut = (metrics: ReadonlyArray<string>) => {
      cutOff += metrics.length;
      firstCut ??= metrics[0];
    };
    /**
     * Waits for the oldest chunk in flight to be judged (a worker that does not answer is replaced
     * after chunkTimeout) and its state stored, the latter only until the deadline: a write stuck on a
     * stalled Store goes on after the cycle rather than holding it.
     */
    const settleOldest = async () => {
      const oldest = running.shift()!;
      results.push(await oldest.result);
      await beforeDeadline(oldest.stored, deadline);
    };
    for (let from = 0; from < names.length; ) {
      // Fewer metrics to a chunk when their windows are long (chunkBudget.ts); the last chunk read says how long.
      const size = metricsPerChunk(this.bytesPerMetric, chunkSize);
      const chunk = names.slice(from, from + size);
      if (performance.now() >= deadline) {
        cut(names.slice(from));
        break;
      }
      t = performance.now();
      const read = await beforeDeadline(
        Promise.all([
          pacer.readAll(chunk, (batch) => store.readRawWindows(batch), rawBytes),
          this.history.read(chunk, now),
          this.preset.severity === 'calibrated' ? store.readMetricState('calibration', chunk) : undefined,
          usesContext(this.preset) ? store.readMetricState('context', chunk) : undefined,
        ]),
        deadline,
      );
      fetchMs += performance.now() - t;
      if (read === PAST_DEADLINE) {
        cut(names.slice(from));
        break;
      }
      from += chunk.length;
      const [raws, history, calibration, context] = read;
      this.bytesPerMetric = rawBytes(raws) / chunk.length;
      const req: ChunkRequest = {
        ...(await packChunk(this.nextId++, chunk, raws, now, this.windowBuffers)),
        // A cut chunk warms up its share of a full one's budget, so a cold start costs the same per metric.
        warmUps: Math.ceil((WARM_UPS_PER_CHUNK * size) / chunkSize),
        history,
        calibration: calibration && packBytes(calibration),
        context: context && packBytes(context),
      };
      const result = this.judge(req);
      // Stored as soon as the chunk is judged: the next cycle must see this one's state.
      const stored = result.then((r) => {
        const entries = (kind: 'calibration' | 'context') =>
          r[kind].map(([k, bytes]) => [chunk[k], bytes] as const);
        return Promise.all([
          store.writeMetricState('calibration', entries('calibration'), STATE_TTL),
          store.writeMetricState('context', entries('context'), STATE_TTL),
        ]);
      });
      running.push({ result, stored });
      // Bounded pipelining: fetch the next chunk while workers judge, but never hold the whole set.
      while (running.length >= this.maxInFlight) await settleOldest();
    }
    while (running.length) await settleOldest();
    if (cutOff)
      this.opts.log.warn(
        `cycle deadline of ${deadlineSeconds} s reached: ${cutOff} of ${names.length} metrics not analysed (counted as Deadline; the first: ${firstCut}); the next cycle starts on schedule`,
      );

    const exceptions: Partial<Record<SkipReason, number>> = cutOff ? { Deadline: cutOff } : {};
    const breakdown: Record<string, number> = {};
    let analyzed = 0;
    let decodeMs = 0;
    let detectMs = 0;
    let warmedUp = 0;
    const records: AnomalyRecord[] = [];
    const alerting: AnomalyRecord[] = [];
    for (const r of results) {
      analyzed += r.analyzed;
      decodeMs += r.decodeMs;
      warmedUp += r.warmedUp;
      if (r.failure)
        this.opts.log.warn(`analysis failed for some metrics (counted as exceptions): ${r.failure}`);
      detectMs += r.detectMs;
      for (const [k, v] of Object.entries(r.exceptions))
        exceptions[k as SkipReason] = (exceptions[k as SkipReason] ?? 0) + v!;
      for (const [k, v] of Object.entries(r.breakdown)) breakdown[k] = (breakdown[k] ?? 0) + v;
      for (const a of r.anomalies) {
        if (a.incidentStart !== undefined) {
          // Calibrated presets keep incidents in the metric's stored state: one record per row, one page per incident.
          const record: AnomalyRecord = {
            metric: a.metric,
            timestamp: a.timestamp,
            value: a.value,
            preset: this.preset.name,
            votes: a.votes,
            score: a.score,
            episode: `${a.metric}@${a.incidentStart}`,
            detectedAt: now,
            flagged: a.flagged,
          };
          records.push(record);
          this.incidents.set(a.metric, record);
          if (a.page) alerting.push(record);
          continue;
        }
        if (config.analyzer.secondOrder && !this.secondOrder.surfaces(a.metric, now, a.value)) continue;
        const step = advanceEpisode(
          a.metric,
          this.episodes.get(a.metric) ?? null,
          a.timestamp,
          true,
          this.episodeOptions,
          a.score,
        );
        this.episodes.set(a.metric, step.state!);
        const record: AnomalyRecord = {
          metric: a.metric,
          timestamp: a.timestamp,
          value: a.value,
          preset: this.preset.name,
          votes: a.votes,
          score: a.score,
          episode: step.episode!.id,
          detectedAt: now,
        };
        records.push(record);
        if (step.alert) alerting.push(record);
      }
    }
    const forget = this.episodeOptions.gap + this.episodeOptions.quietPeriod;
    for (const [metric, e] of this.episodes) if (now - e.end > forget) this.episodes.delete(metric);
    const carryFor = Math.max(this.episodeOptions.gap, config.stalePeriod);
    const fresh = new Set(records.map((r) => r.metric));
    const carried: AnomalyRecord[] = [];
    for (const [metric, r] of this.incidents) {
      if (now - r.timestamp > carryFor) this.incidents.delete(metric);
      else if (!fresh.has(metric)) carried.push(r);
    }
    if (this.opts.share || (this.opts.shard && this.opts.shard.count > 1)) {
      // An incident of a metric that moved to another analyzer is theirs to carry now.
      const own = new Set(names);
      const kept = carried.filter((r) => own.has(r.metric));
      carried.length = 0;
      carried.push(...kept, ...(await this.othersCurrent(own, now)));
    }
    const byScore = (a: AnomalyRecord, b: AnomalyRecord) =>
      b.score - a.score || a.metric.localeCompare(b.metric);
    records.sort(byScore);
    await store.recordAnomalies(records, config.analyzer.historyRetention, carried.sort(byScore));
    this.opts.onAnomalies?.(alerting);

    const report: CycleReport = {
      startedAt: now,
      preset: this.preset.name,
      shard:
        this.opts.share?.label ??
        (this.opts.shard ? `${this.opts.shard.index}/${this.opts.shard.count}` : '0/1'),
      runTime: (performance.now() - started) / 1000,
      totalMetrics: names.length,
      analyzed,
      anomalous: records.length,
      exceptions,
      breakdown,
      fetchSeconds: fetchMs / 1000,
      decodeSeconds: decodeMs / 1000,
      detectSeconds: detectMs / 1000,
      warmedUp,
      chunks: results.length,
      paceWaitSeconds: pacer.waitedMs / 1000,
      deadlineSeconds,
    };
    const extra = (await this.opts.afterCycle?.(report)) ?? {};
    if (this.opts.writeStats !== false) await this.writeStats(report, now, extra);
    return report;
  }

  /**
   * The current list is one document for all analyzers: one that judges a part keeps the others'
   * recent records in it rather than replacing them with its own. Records older than two intervals
   * are dropped (their analyzer is gone, or has since recorded newer ones). Two analyzers writing at
   * the same moment can drop each other's records until the next cycle; the history keeps every one.
   */
  private async othersCurrent(own: ReadonlySet<string>, now: number): Promise<AnomalyRecord[]> {
    const since = now - 2 * this.opts.config.analyzer.interval;
    const current = await this.opts.store.currentAnomalies().catch(() => []);
    return current.filter((r) => !own.has(r.metric) && r.detectedAt >= since);
  }

  private judge(req: ChunkRequest): Promise<ChunkResult> {
    if (this.pool) return this.pool.run(req);
    const result = analyzeChunk(req, this.preset, this.rules);
    this.windowBuffers.giveBack(req.bytes.buffer as ArrayBuffer);
    return Promise.resolve(result);
  }

  /** Run statistics for the Status page and kale.analyzer.* series, as Skyline sent to Graphite. */
  private async writeStats(r: CycleReport, now: number, extra: Record<string, unknown>): Promise<void> {
    const { store } = this.opts;
    const shardSuffix =
      this.opts.statsSuffix?.() ??
      (this.opts.shard && this.opts.shard.count > 1 ? `.shard${r.shard.replace('/', '_of_')}` : '');
    const ts = Math.floor(now);
    const series: Array<[string, number]> = [
      ['run_time', r.runTime],
      ['total_metrics', r.totalMetrics],
      ['analyzed', r.analyzed],
      ['anomalous', r.anomalous],
      ...Object.entries(r.exceptions).map(([k, v]) => [`exceptions.${k}`, v!] as [string, number]),
      ...Object.entries(r.breakdown).map(([k, v]) => [`breakdown.${k}`, v] as [string, number]),
    ];
    await store.append(
      series.map(([k, v]) => ({ name: `kale.analyzer${shardSuffix}.${k}`, points: [[ts, v] as const] })),
    );
    // Group members share one document (each carries the whole group); a static shard has its own.
    await store.putStatus(this.opts.share ? 'analyzer' : `analyzer${shardSuffix}`, { ...r, ...extra });
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }
}
