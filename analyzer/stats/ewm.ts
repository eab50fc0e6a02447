/**
 * Exponentially weighted mean and standard deviation with adjusted weights (pandas
 * `ewm(com, adjust=True)`), computed with pandas' own recurrences so results agree to the bit.
 * Only the last values are needed by the detectors, so one pass computes both and allocates nothing.
 */
export interface EwmLast {
  readonly mean: number;
  /** Bias-corrected with the exact weights, as pandas' `.std()`; NaN with fewer than two points. */
  readonly std: number;
}

export function ewmLast(x: Float64Array, com: number): EwmLast {
  const n = x.length;
  if (n === 0) return { mean: NaN, std: NaN };
  const alpha = 1 / (1 + com);
  const decay = 1 - alpha;
  // pandas' ewm().mean() (aggregations.ewm) and ewm().var() (aggregations.ewmcov) run separate
  // recurrences; with no missing values their means evolve identically, so one `mean` serves both.
  let mean = x[0];
  let cov = 0;
  let sumWt = 1;
  let sumWt2 = 1;
  let oldWt = 1;
  let nanSeen = Number.isNaN(mean);
  for (let i = 1; i < n; i++) {
    const cur = x[i];
    if (Number.isNaN(cur) || nanSeen) {
      nanSeen = true;
      break;
    }
    sumWt *= decay;
    sumWt2 *= decay * decay;
    oldWt *= decay;
    const oldMean = mean;
    // pandas skips the update when equal, which keeps constant series exact.
    if (mean !== cur) mean = (oldWt * oldMean + cur) / (oldWt + 1);
    const d = oldMean - mean;
    cov = (oldWt * (cov + d * d) + (cur - mean) * (cur - mean)) / (oldWt + 1);
    sumWt += 1;
    sumWt2 += 1;
    oldWt += 1;
  }
  if (nanSeen) return { mean: ewmaWithGaps(x, com), std: ewmStdWithGaps(x, com) };
  if (n < 2) return { mean, std: NaN };
  const num = sumWt * sumWt;
  const den = num - sumWt2;
  if (!(den > 0)) return { mean, std: NaN };
  const variance = (num / den) * cov;
  // pandas' zsqrt: a variance that rounds below zero is zero.
  return { mean, std: variance < 0 ? 0 : Math.sqrt(variance) };
}

/** pandas' mean recurrence with missing values (ignore_na=False: gaps still decay the weights). */
function ewmaWithGaps(x: Float64Array, com: number): number {
  const decay = 1 - 1 / (1 + com);
  let weighted = x[0];
  let oldWt = 1;
  for (let i = 1; i < x.length; i++) {
    const cur = x[i];
    const isObs = !Number.isNaN(cur);
    if (!Number.isNaN(weighted)) {
      oldWt *= decay;
      if (isObs) {
        if (weighted !== cur) weighted = (oldWt * weighted + cur) / (oldWt + 1);
        oldWt += 1;
      }
    } else if (isObs) {
      weighted = cur;
    }
  }
  return weighted;
}

/** pandas' ewmcov(x, x, bias=False) recurrence with missing values. */
function ewmStdWithGaps(x: Float64Array, com: number): number {
  const decay = 1 - 1 / (1 + com);
  let mean = x[0];
  let nobs = Number.isNaN(mean) ? 0 : 1;
  if (nobs === 0) mean = NaN;
  let cov = 0;
  let sumWt = 1;
  let sumWt2 = 1;
  let oldWt = 1;
  for (let i = 1; i < x.length; i++) {
    const cur = x[i];
    const isObs = !Number.isNaN(cur);
    if (isObs) nobs++;
    if (!Number.isNaN(mean)) {
      sumWt *= decay;
      sumWt2 *= decay * decay;
      oldWt *= decay;
      if (isObs) {
        const oldMean = mean;
        if (mean !== cur) mean = (oldWt * oldMean + cur) / (oldWt + 1);
        cov =
          (oldWt * (cov + (oldMean - mean) * (oldMean - mean)) + (cur - mean) * (cur - mean)) / (oldWt + 1);
        sumWt += 1;
        sumWt2 += 1;
        oldWt += 1;
      }
    } else if (isObs) {
      mean = cur;
    }
  }
  if (nobs < 1 || x.length < 2) return NaN;
  const num = sumWt * sumWt;
  const den = num - sumWt2;
  if (!(den > 0)) return NaN;
  const variance = (num / den) * cov;
  return variance < 0 ? 0 : Math.sqrt(variance);
}
