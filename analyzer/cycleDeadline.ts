import type { KaleConfig } from '../core/config/schema.js';

/** The shortest default deadline: a short interval still leaves a cold cycle time to start its workers. */
const MIN_DEFAULT_DEADLINE = 30;

/** Seconds a cycle may run: `analyzer.cycleDeadline`, else its interval (at least 30 s). */
export const cycleDeadlineSeconds = (config: KaleConfig): number =>
  config.analyzer.cycleDeadline ?? Math.max(config.analyzer.interval, MIN_DEFAULT_DEADLINE);

export const PAST_DEADLINE = Symbol('past the cycle deadline');

/**
 * `work`'s value, or PAST_DEADLINE if `deadline` (a performance.now() time) comes first. The work goes
 * on unobserved: a read stuck on a stalled Store must not hold the cycle, and nothing waits for it.
 */
export function beforeDeadline<T>(work: Promise<T>, deadline: number): Promise<T | typeof PAST_DEADLINE> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<typeof PAST_DEADLINE>((resolve) => {
    timer = setTimeout(() => resolve(PAST_DEADLINE), Math.max(0, deadline - performance.now()));
  });
  work.catch(() => {});
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
