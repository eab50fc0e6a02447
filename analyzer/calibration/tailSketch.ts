/**
 * A bounded sketch of one metric's past evidence (a detector's strength, ≥ 0), answering "how often
 * was the evidence at least this strong?" so that one threshold means the same rarity on every series.
 *
 * Evidence is binned by its logarithm, four bins a decade from 0.01 to 10^6 (32 bins, plus one for
 * everything below 0.01), counted in 16-bit counters: 66 bytes. When a counter would overflow, every
 * counter is halved, so the sketch forgets slowly (after some 65,000 rows) instead of growing.
 *
 * Below the top decile the empirical tail answers, interpolated inside a bin. Above it the tail is
 * extrapolated as a power law (Hill's estimator of the log-evidence excesses over the 90th
 * percentile), so evidence stronger than anything seen still ranks by how far beyond it lies.
 */

export const BINS = 33;
/** Bytes one sketch takes in the per-metric state. */
export const SKETCH_BYTES = BINS * 2;
const LOG_MIN = -2;
const PER_DECADE = 4;
const MAX_COUNT = 0xffff;
/** The tail above this quantile is extrapolated rather than counted. */
const TAIL_FROM = 0.9;

/** Bin of evidence `e`: 0 for e < 0.01, then quarter decades; the top bin takes everything above 10^6. */
export function binOf(e: number): number {
  if (!(e >= 10 ** LOG_MIN)) return 0;
  const b = 1 + Math.floor((Math.log10(e) - LOG_MIN) * PER_DECADE);
  return b >= BINS ? BINS - 1 : b;
}

/** log10 of bin b's lower edge (bin 0 has none: its evidence is "below 0.01"). */
function lowerLog(b: number): number {
  return LOG_MIN + (b - 1) / PER_DECADE;
}

export class TailSketch {
  constructor(readonly counts: Uint16Array = new Uint16Array(BINS)) {}

  get total(): number {
    let t = 0;
    for (let b = 0; b < BINS; b++) t += this.counts[b];
    return t;
  }

  add(e: number): void {
    const b = binOf(e);
    if (this.counts[b] === MAX_COUNT) for (let k = 0; k < BINS; k++) this.counts[k] >>= 1;
    this.counts[b]++;
  }

  /**
   * P(past evidence ≥ e), or null with no history. Never 0: beyond the largest evidence seen the
   * power-law tail keeps shrinking.
   */
  tail(e: number): number | null {
    const total = this.total;
    if (total === 0) return null;
    const c = this.counts;
    // Top-down: `above` = count in bins above b.
    let above = 0;
    let tailBin = BINS - 1;
    for (let b = BINS - 1; b >= 0; b--) {
      if (above + c[b] >= (1 - TAIL_FROM) * total) {
        tailBin = b;
        break;
      }
      above += c[b];
    }
    const eb = binOf(e);
    if (eb < tailBin || tailBin === 0) return this.empirical(e, eb, total);
    // Hill: mean excess of log10(evidence) over the tail bin's lower edge, bins taken at their centres.
    const u = lowerLog(tailBin);
    let n = 0;
    let excess = 0;
    for (let b = tailBin; b < BINS; b++) {
      n += c[b];
      excess += c[b] * (lowerLog(b) + 0.5 / PER_DECADE - u);
    }
    const hill = Math.max(excess / n, 0.5 / PER_DECADE);
    const pu = n / (total + 1);
    const x = Math.log10(e) - u;
    return x <= 0 ? pu : pu * 10 ** (-x / hill);
  }

  /** The counted tail, with evidence spread log-uniformly inside its bin. */
  private empirical(e: number, eb: number, total: number): number {
    const c = this.counts;
    let above = 0;
    for (let b = eb + 1; b < BINS; b++) above += c[b];
    const within = eb === 0 ? 1 : 1 - Math.min(1, Math.max(0, (Math.log10(e) - lowerLog(eb)) * PER_DECADE));
    return Math.max(above + c[eb] * within, 0.5) / (total + 1);
  }
}
