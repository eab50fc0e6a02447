/**
 * Counters as per-second rates. A Prometheus counter only grows (until its process restarts), so its
 * raw value says nothing an anomaly detector can use; its rate does. Each sample's rate is
 * (value − previous value) / (seconds between them); a value below the previous one is a reset (the
 * process restarted from 0), and the increase is then the new value itself, as Prometheus's own
 * rate() counts it. The first sample of a series only primes it. The previous sample is held in
 * this process's memory, so after a restart each counter's first sample primes again.
 */
import { COUNTER_TYPE, type PromMetadata } from './protoSchema.js';

/** Counters remembered before the table starts over (a bound on memory when series churn). */
const MAX_SERIES = 1_000_000;
/** Families remembered from metadata, bounded the same way. */
const MAX_FAMILIES = 100_000;
/** Families whose `_bucket`, `_sum` and `_count` series are cumulative. */
const HISTOGRAM_TYPES = new Set([3, 5]); // HISTOGRAM, SUMMARY
const CUMULATIVE_SUFFIX = /_(bucket|sum|count)$/;

export class CounterRates {
  private readonly last = new Map<string, { ms: number; value: number }>();
  private readonly counterFamilies = new Set<string>();
  private readonly histogramFamilies = new Set<string>();

  /** Prometheus sends each family's type in metadata (by default once a minute). */
  learn(metadata: readonly PromMetadata[]): void {
    if (this.counterFamilies.size + this.histogramFamilies.size > MAX_FAMILIES) {
      this.counterFamilies.clear();
      this.histogramFamilies.clear();
    }
    for (const m of metadata) {
      if (m.type === COUNTER_TYPE) this.counterFamilies.add(m.metricFamilyName);
      else if (HISTOGRAM_TYPES.has(m.type)) this.histogramFamilies.add(m.metricFamilyName);
    }
  }

  /** `_total` (OpenMetrics' counter suffix), or a counter, histogram or summary by its metadata. */
  isCounter(metricName: string): boolean {
    if (metricName.endsWith('_total') || this.counterFamilies.has(metricName)) return true;
    const suffix = CUMULATIVE_SUFFIX.exec(metricName);
    return suffix !== null && this.histogramFamilies.has(metricName.slice(0, suffix.index));
  }

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
