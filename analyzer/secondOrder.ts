import { pandasMean, pandasStd } from './stats/sums.js';

const MAX_HISTORY = 1000;

/**
 * Skyline's second-order check (`is_anomalously_anomalous`): surface an anomaly only when the time
 * since this metric's previous trigger is unusual (more than 3 sample std from the mean interval).
 * The first trigger always surfaces; the same value again within 300 s does not. History is kept
 * per process (bounded), as a shard owns its metrics.
 */
export class SecondOrder {
  private readonly history = new Map<string, Array<[number, number]>>();

  surfaces(metric: string, now: number, datapoint: number): boolean {
    const h = this.history.get(metric);
    if (!h) {
      this.history.set(metric, [[now, datapoint]]);
      return true;
    }
    const last = h[h.length - 1];
    if (datapoint === last[1] && now - last[0] <= 300) return false;
    h.push([now, datapoint]);
    if (h.length > MAX_HISTORY) h.splice(0, h.length - MAX_HISTORY);
    const intervals = new Float64Array(h.length - 1);
    for (let i = 0; i + 1 < h.length; i++) intervals[i] = h[i + 1][0] - h[i][0];
    const mean = pandasMean(intervals);
    const std = pandasStd(intervals);
    return Math.abs(intervals[intervals.length - 1] - mean) > 3 * std;
  }
}
