/**
 * Counters as per-second rates. A Prometheus counter only grows (until its process restarts), so its
 * raw value says nothing an anomaly detector can use; its rate does. Each sample's rate is
 * (value − previous value) / (seconds between them); a value below the previous one is a reset (the
 * process restarted from 0), and the increase is then the new value itself, as Prometheus's own
 * rate() counts it. The first sample of a series only primes it. The previous sample is held in
 * this process's memory, so after a restart each counter's first sample primes again.
 *
 * Which series are counters (CounterKinds) is decided where bodies are decoded, on the decoding
 * threads; the rates (CounterRates) on the listener's thread, the one place every sample of a series
 * passes through in order.
 */
import { COUNTER_TYPE, type PromMetadata } from './protoSchema.js';

const UNKNOWN_TYPE = 0;

/** Counters remembered before the table starts over (a bound on memory when series churn). */
const MAX_SERIES = 1_000_000;
/** Families remembered from metadata, bounded the same way. */
const MAX_FAMILIES = 100_000;
/** Families whose `_bucket`, `_sum` and `_count` series are cumulative. */
const HISTOGRAM_TYPES = new Set([3, 5]); // HISTOGRAM, SUMMARY
const CUMULATIVE_SUFFIX = /_(bucket|sum|count)$/;

export class CounterKinds {
  /** Each family's type (MetricMetadata.MetricType) from metadata. */
  private readonly familyTypes = new Map<string, number>();
  /** Changes whenever a family's type is learnt or changes, so verdicts cached per series can be. */
  generation = 0;

  /** Prometheus sends each family's type in metadata (by default once a minute). */
  learn(metadata: readonly PromMetadata[]): void {
    if (this.familyTypes.size > MAX_FAMILIES) {
      this.familyTypes.clear();
      this.generation++;
    }
    for (const m of metadata) {
      if (this.familyTypes.get(m.metricFamilyName) === m.type) continue;
      this.familyTypes.set(m.metricFamilyName, m.type);
      this.generation++;
    }
  }

  /**
   * A counter by its metadata; without metadata, by OpenMetrics' `_total` suffix. Metadata wins: a
   * gauge named `…_total` (Node's `nodejs_active_handles_total`) stays a gauge. The `_bucket`, `_sum`
   * and `_count` of a histogram or summary are counters too.
   */
  isCounter(metricName: string): boolean {
    const type = this.familyTypes.get(metricName);
    if (type !== undefined && type !== UNKNOWN_TYPE) return type === COUNTER_TYPE;
    if (metricName.endsWith('_total')) return true;
    const suffix = CUMULATIVE_SUFFIX.exec(metricName);
    return (
      suffix !== null &&
      HISTOGRAM_TYPES.has(this.familyTypes.get(metricName.slice(0, suffix.index)) ?? UNKNOWN_TYPE)
    );
  }
}

export class CounterRates {
  private readonly last = new Map<string, { ms: number; value: number }>();

  /** The per-second rate since the series' previous sample; undefined for its first, or one not after it. */
  rate(series: string, ms: number, value: number): number | undefined {
    const prev = this.last.get(series);
    if (prev === undefined) {
      if (this.last.size >= MAX_SERIES) this.last.clear();
      this.last.set(series, { ms, value });
      return undefined;
    }
    if (ms <= prev.ms) return undefined;
    const increase = value >= prev.value ? value - prev.value : value;
    const rate = increase / ((ms - prev.ms) / 1000);
    prev.ms = ms;
    prev.value = value;
    return rate;
  }
}
