import type { KaleConfig } from '../core/config/schema.js';
import type { ExceptionRules } from './exceptions.js';

/** The analyzer settings detectors and consensus need, taken from the config once. */
export interface AnalyzerRules extends ExceptionRules {
  readonly fullDuration: number;
  readonly consensus: number;
  /** `analyzer.alertScore`: the lowest score a calibrated preset flags (unset: the preset's). */
  readonly alertScore?: number;
}

export function rulesFromConfig(config: KaleConfig): AnalyzerRules {
  return {
    fullDuration: config.fullDuration,
    stalePeriod: config.stalePeriod,
    minTolerableLength: config.analyzer.minTolerableLength,
    maxTolerableBoredom: config.analyzer.maxTolerableBoredom,
    boredomSetSize: config.analyzer.boredomSetSize,
    consensus: config.analyzer.consensus,
    alertScore: config.analyzer.alertScore,
  };
}

/** CONSENSUS counts out of Etsy's nine; a line-up of another size keeps the same number of "no" votes allowed. */
export function consensusRules(rules: AnalyzerRules, detectors: number): number {
  return Math.max(1, detectors - (9 - rules.consensus));
}
