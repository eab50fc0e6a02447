import { describe, expect, it } from 'vitest';
import { DETECTORS } from '../../analyzer/detectors/registry.js';
import { isSeasonal, lineUpOf, PRESETS, resolvePreset, usesContext } from '../../analyzer/presets.js';
import { seasonalPeriods } from '../../analyzer/seasonalHistory.js';
import { validateConfig } from '../../core/config/load.js';

describe('presets', () => {
  it('hold the built-in detector of each name they list', () => {
    for (const preset of Object.values(PRESETS)) {
      for (const entry of preset.detectors) expect(entry.detector).toBe(DETECTORS.get(entry.name));
    }
  });

  it('keep their line-ups', () => {
    expect(lineUpOf(PRESETS.etsy)).toEqual([
      'first_hour_average',
      'mean_subtraction_cumulation',
      'stddev_from_average',
      'stddev_from_moving_average',
      'least_squares',
      'grubbs',
      'histogram_bins',
      'median_absolute_deviation',
      'ks_test',
    ]);
    expect(lineUpOf(PRESETS.default)).toEqual([
      'median_absolute_deviation',
      'holt_residual',
      'level_shift',
      'local_trend',
      'seasonal_daily',
      'seasonal_weekly',
    ]);
    expect(usesContext(PRESETS.etsy)).toBe(false);
    expect(usesContext(PRESETS.consensus)).toBe(true);
  });

  it('treat a custom detector as custom even when it borrows a seasonal name', () => {
    const config = validateConfig({ analyzer: { customDetectors: { seasonal_daily: () => true } } });
    const preset = resolvePreset('etsy', config);
    const custom = preset.detectors[preset.detectors.length - 1];
    expect(custom.name).toBe('seasonal_daily');
    expect(isSeasonal(custom)).toBe(false);
    expect(isSeasonal(PRESETS.consensus.detectors.find((d) => d.name === 'seasonal_daily')!)).toBe(true);
    // The etsy line-up plus a custom detector still reads no seasonal history.
    expect(usesContext(preset)).toBe(false);
    expect(seasonalPeriods(preset)).toEqual([]);
  });
});
