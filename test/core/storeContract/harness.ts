import type { AnomalyRecord, StoreConnection } from '../../../core/store/store.js';

/** How a role's contract gets a fresh, empty store of the backend under test. */
export interface RoleHarness<S> {
  open(): Promise<S & StoreConnection>;
}

/** One anomaly row, flagged at `detectedAt`, for the anomaly contract. */
export const anomaly = (metric: string, detectedAt: number): AnomalyRecord => ({
  metric,
  timestamp: detectedAt - 5,
  value: 42,
  preset: 'default',
  votes: { grubbs: true, ks_test: null },
  score: 0.8,
  episode: `${metric}:${detectedAt}`,
  detectedAt,
});
