/**
 * Exponentially weighted mean and standard deviation with adjusted weights (pandas
 * `ewm(com, adjust=True)`), computed with pandas' own recurrences so results agree to the bit.
 * Only the last value is needed by the detectors, so nothing is allocated.
 */

/** Last value of `ewm(com).mean()`. */
export function ewmaLast(x: Float64Array, com: number): number {
  const n = x.length;
  if (n === 0) return NaN;
  const alpha = 1 / (1 + com);
  const decay = 1 - alpha;
  let weighted = x[0];
  let oldWt = 1;
  for (let i = 1; i < n; i++) {
    const cur = x[i];
    const isObs = cur === cur;
    if (weighted === weighted) {
      oldWt *= decay;
      if (isObs) {
        // pandas skips the update when equal, which keeps constant series exact.
        if (weighted !== cur) {
          weighted = oldWt * weighted + cur;
          weighted /= oldWt + 1;
        }
        oldWt += 1;
      }
    } else if (isObs) {
      weighted = cur;
    }
  }
  return weighted;
}

/** Last value of `ewm(com).std()` (bias-corrected with the exact weights, as pandas does). */
export function ewmStdLast(x: Float64Array, com: number): number {
  const n = x.length;
  if (n === 0) return NaN;
  const alpha = 1 / (1 + com);
  const decay = 1 - alpha;
  let mean = x[0];
  let nobs = mean === mean ? 1 : 0;
  if (nobs === 0) mean = NaN;
  let cov = 0;
  let sumWt = 1;
  let sumWt2 = 1;
  let oldWt = 1;
  for (let i = 1; i < n; i++) {
    const cur = x[i];
    const isObs = cur === cur;
    if (isObs) nobs++;
    if (mean === mean) {
      sumWt *= decay;
      sumWt2 *= decay * decay;
      oldWt *= decay;
      if (isObs) {
        const oldMean = mean;
        if (mean !== cur) mean = (oldWt * oldMean + cur) / (oldWt + 1);
        cov = (oldWt * (cov + (oldMean - mean) * (oldMean - mean)) + (cur - mean) * (cur - mean)) / (oldWt + 1);
        sumWt += 1;
        sumWt2 += 1;
        oldWt += 1;
      }
    } else if (isObs) {
      mean = cur;
    }
  }
  if (nobs < 1 || n < 2) return NaN;
  const num = sumWt * sumWt;
  const den = num - sumWt2;
  if (!(den > 0)) return NaN;
  const variance = (num / den) * cov;
  // pandas' zsqrt: a variance that rounds below zero is zero.
  return variance < 0 ? 0 : Math.sqrt(variance);
}
