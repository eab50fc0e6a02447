import { describe, expect, it } from 'vitest';
import {
  CLASSIC_DETECTORS,
  DETECTORS,
  getDetector,
  UnknownDetectorError,
} from '../../../analyzer/detectors/registry.js';

describe('the detector table', () => {
  it("holds Etsy's nine and Kale's own, each under its own name", () => {
    for (const name of CLASSIC_DETECTORS) expect(getDetector(name).name).toBe(name);
    for (const name of ['level_shift', 'local_trend', 'holt_residual', 'seasonal_daily', 'seasonal_weekly']) {
      expect(getDetector(name).name).toBe(name);
    }
    expect(DETECTORS.size).toBe(CLASSIC_DETECTORS.length + 5);
  });

  it('names the known detectors when asked for an unknown one', () => {
    expect(() => getDetector('level_shfit')).toThrow(UnknownDetectorError);
    expect(() => getDetector('level_shfit')).toThrow(/unknown detector "level_shfit" \(known: .*level_shift/);
  });
});
