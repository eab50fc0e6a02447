/**
 * `kale seed --wait`: watches the store (never the analyzer's internals) until an analyzer run that
 * started after the seed was complete has finished, then matches its anomaly records (detected at or
 * after that start) against what was injected.
 */
import type { AnomalyRecord, AnomalyStore, StatusStore } from '../../core/store/store.js';
import type { SeedMetric } from './metrics.js';

/**
 * When the oldest of the analyzers' last runs started (epoch seconds), from the status documents they
 * write after each run (`analyzer`, or `analyzer.shardI_of_N` per shard): once it is after the seed
 * finished, every metric has been judged with all the seeded points. Undefined until all have run.
 */
export function lastAnalyzerRunStart(status: Record<string, Record<string, unknown>>): number | undefined {
  const starts = Object.entries(status)
    .filter(([service]) => service === 'analyzer' || service.startsWith('analyzer.'))
    .map(([, s]) => s.startedAt);
  if (starts.length === 0 || starts.some((t) => typeof t !== 'number')) return undefined;
  return Math.min(...(starts as number[]));
}

export interface Verdict {
  readonly metric: string;
  readonly kind: string;
  readonly flagged: boolean;
  readonly score?: number;
  /** Detectors that voted anomalous. */
  readonly detectors?: string[];
}

export interface WaitReport {
  readonly analyzerRan: boolean;
  readonly verdicts: Verdict[];
  /** Seed metrics without an injected anomaly that were flagged anyway. */
  readonly otherFlagged: string[];
}

async function recordsSince(store: AnomalyStore & StatusStore, since: number): Promise<AnomalyRecord[]> {
  const [current, history] = await Promise.all([
    store.currentAnomalies(),
    store.anomalyHistory({ from: since }),
  ]);
  return [...current, ...history].filter((r) => r.detectedAt >= since);
}

export async function waitForAnalyzer(
  store: AnomalyStore & StatusStore,
  metrics: ReadonlyArray<SeedMetric>,
  since: number,
  timeoutMs: number,
  pollMs = 1000,
): Promise<WaitReport> {
  const deadline = Date.now() + timeoutMs;
  let ran = false;
  for (;;) {
    const run = lastAnalyzerRunStart(await store.getStatus());
    ran = run !== undefined && run >= since;
    if (ran || Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  const records = await recordsSince(store, since);
  const injectedNames = new Set(metrics.filter((m) => m.injection).map((m) => m.name));
  const verdicts = metrics
    .filter((m) => m.injection)
    .map((m): Verdict => {
      const hits = records.filter((r) => r.metric === m.name && r.timestamp >= m.injection!.from);
      if (hits.length === 0) return { metric: m.name, kind: m.injection!.kind, flagged: false };
      const best = hits.reduce((a, b) => (b.score > a.score ? b : a));
      return {
        metric: m.name,
        kind: m.injection!.kind,
        flagged: true,
        score: best.score,
        detectors: Object.entries(best.votes)
          .filter(([, v]) => v === true)
          .map(([d]) => d),
      };
    });
  const seedNames = new Set(metrics.map((m) => m.name));
  const otherFlagged = [
    ...new Set(
      records.filter((r) => seedNames.has(r.metric) && !injectedNames.has(r.metric)).map((r) => r.metric),
    ),
  ].sort();
  return { analyzerRan: ran, verdicts, otherFlagged };
}
