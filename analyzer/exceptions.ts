/**
 * Series the analyzer declines to judge, checked in this order and counted per cycle.
 */
export type AnalysisException = 'TooShort' | 'Stale' | 'Boring';

export interface ExceptionRules {
  readonly minTolerableLength: number;
  readonly stalePeriod: number;
  readonly maxTolerableBoredom: number;
  readonly boredomSetSize: number;
}

export function classifyException(
  timestamps: Float64Array,
  values: Float64Array,
  wallClock: number,
  rules: ExceptionRules,
): AnalysisException | null {
  const n = values.length;
  if (n < rules.minTolerableLength || n === 0) return 'TooShort';
  if (wallClock - timestamps[n - 1] > rules.stalePeriod) return 'Stale';
  const distinct = new Set<number>();
  for (let i = Math.max(0, n - rules.maxTolerableBoredom); i < n; i++) {
    distinct.add(values[i]);
    if (distinct.size > rules.boredomSetSize) return null;
  }
  return distinct.size === rules.boredomSetSize ? 'Boring' : null;
}
