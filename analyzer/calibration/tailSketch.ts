/**
 * A bounded sketch of one metric's past evidence (a detector's strength, ≥ 0), answering "how often
 * was the evidence at least this strong?" so that one threshold means the same rarity on every series.
 *
 * Evidence is binned by its logarithm, four bins a decade from 0.01 to 10^6 (32 bins, plus one for
 * everything below 0.01), counted in 16-bit counters: 66 bytes. When a counter would overflow, every
 * counter is halved, so the sketch forgets slowly (after some 65,000 rows) instead of growing.
 *
 * Where at least ten rows lie above, the counts answer, the tail falling geometrically between bin
 * edges. Beyond, it is extrapolated as a power law (Hill's estimator of the log-evidence excesses
 * over the 90th percentile), so evidence stronger than anything seen still ranks by how far beyond it
 * lies, but never below the share counted above it.
 */

export const BINS = 33;
/** Bytes one sketch takes in the per-metric state. */
export const SKETCH_BYTES = BINS * 2;
const LOG_MIN = -2;
const PER_DECADE = 4;
const MAX_COUNT = 0xffff;
/** Hill's estimator reads the tail above this quantile. */
const TAIL_FROM = 0.9;
/** Rows that must lie at or above a bin edge for the counts to answer there; beyond, the fit does. */
const MIN_SUPPORT = 10;
/**
 * Rows in a bin beyond the counted range from which evidence of that size is part of the metric's
 * normal (bursts that recur); fewer, and the fit alone answers. Measured: bursts of 50× on a count
 * with median 1 flagged 5 times in 10,000 rows with no credit, once with it.
 */
const SEEN = 3;
/** Rows the bin below must hold before its count can say that a bin is a falling tail: 4 × MIN_SUPPORT. */
const TAIL_EVIDENCE = 4 * MIN_SUPPORT;

const AT_LEAST = new Float64Array(BINS + 1);

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

/**
 * Does bin b hold rows of a mode of their own, rather than the falling tail of the rows below? It
 * does once it holds SEEN rows, unless the bin below is well counted (TAIL_EVIDENCE rows) and b holds
 * under a quarter of it: a count falling that fast over a quarter decade is a tail lighter than a
 * power law of index 2.4 (one with finite variance), such as a Gaussian's. Taking such a bin as a
 * mode floored the rarity of everything in it at half its count: a 5 σ row of Gaussian noise was
 * "1 in 1,300", and the noise flagged at a quarter of the configured rate (docs/detection.md).
 */
function holdsMode(c: Uint16Array, b: number): boolean {
  return c[b] >= SEEN && !(c[b - 1] >= TAIL_EVIDENCE && c[b] < c[b - 1] / 4);
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
    // atLeast[b] = rows in bin b or above; `supported` = the highest bin with MIN_SUPPORT rows at or above it.
    // One scratch array: this runs for every detector of every metric each cycle.
    const atLeast = AT_LEAST;
    for (let b = BINS - 1; b >= 0; b--) atLeast[b] = atLeast[b + 1] + c[b];
    let supported = 0;
    while (supported + 1 < BINS && atLeast[supported + 1] >= MIN_SUPPORT) supported++;
    const eb = binOf(e);
    const denominator = total + 1;
    if (eb === 0) return atLeast[0] / denominator;
    if (eb < supported) {
      // Between two counted edges the tail falls geometrically (straight on a log-log plot).
      const frac = (Math.log10(e) - lowerLog(eb)) * PER_DECADE;
      return (atLeast[eb] / denominator) * (atLeast[eb + 1] / atLeast[eb]) ** frac;
    }
    const x = Math.log10(e) - lowerLog(supported);
    const fitted = (atLeast[supported] / denominator) * 10 ** (-x / this.hill(atLeast));
    // The fit never says rarer than what was counted at about e's size (the bins above e's, and half
    // of its own when it holds a mode): a mode far above the rest (a bimodal gauge's other level, a
    // count's bursts) is as common as it was seen to be, while a one-off extreme stays rare.
    return Math.max((atLeast[eb + 1] + (holdsMode(c, eb) ? c[eb] / 2 : 0)) / denominator, fitted);
  }

  /** Hill's estimator (decades) of the log-evidence excesses over the top decile, bins at their centres. */
  private hill(atLeast: Float64Array): number {
    const total = atLeast[0];
    let from = BINS - 1;
    while (from > 1 && atLeast[from] < (1 - TAIL_FROM) * total) from--;
    const u = lowerLog(from);
    let excess = 0;
    for (let b = from; b < BINS; b++) excess += this.counts[b] * (lowerLog(b) + 0.5 / PER_DECADE - u);
    return atLeast[from] > 0 ? Math.max(excess / atLeast[from], 0.5 / PER_DECADE) : 0.5 / PER_DECADE;
  }
}
