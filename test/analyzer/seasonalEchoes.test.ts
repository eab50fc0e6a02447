import { describe, expect, it } from 'vitest';
import { getPreset } from '../../analyzer/presets.js';
import { replaySeries } from '../../analyzer/replay.js';
import { rulesFromConfig } from '../../analyzer/rules.js';
import { validateConfig } from '../../core/config/load.js';

// The rules a user gets with no configuration.
const RULES = rulesFromConfig(validateConfig({}));

/** 30 days of an hourly daily cycle with seeded noise, and one spike on day 12. */
function spikedCycle() {
  let s = 41;
  const uniform = () => ((s = (s * 1103515245 + 12345) % 2147483648) + 0.5) / 2147483648;
  const gauss = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const n = 30 * 24;
  const spike = 12 * 24 + 9;
  const timestamps = Float64Array.from({ length: n }, (_, i) => 1_700_006_400 + 3600 * i);
  const values = Float64Array.from(
    { length: n },
    (_, i) => 100 + 40 * Math.sin((2 * Math.PI * i) / 24) + 5 * gauss() + (i === spike ? 400 : 0),
  );
  return { series: { timestamps, values }, spike };
}

describe('seasonal echoes', () => {
  const { series, spike } = spikedCycle();
  const rows = [...replaySeries(series, getPreset('default'), RULES)];
  const tailOf = (row: number, detector: string) => {
    const at = getPreset('default').detectors.findIndex((d) => d.name === detector);
    return rows[row].analysis?.calibration?.tails[at];
  };

  it('pages the spike itself', () => {
    expect(rows[spike].anomalous).toBe(true);
  });

  it('lets a seasonal detector abstain where its reference was the spike, a day and a week later', () => {
    expect(tailOf(spike + 24, 'seasonal_daily')).toBeNull();
    expect(tailOf(spike + 7 * 24, 'seasonal_weekly')).toBeNull();
    // Within one step of the spike too (the slack of the "same time" match), but not beyond, and the
    // other detector judges at the echo.
    expect(tailOf(spike + 23, 'seasonal_daily')).toBeNull();
    expect(tailOf(spike + 22, 'seasonal_daily')).toEqual(expect.any(Number));
    expect(tailOf(spike + 26, 'seasonal_daily')).toEqual(expect.any(Number));
    expect(tailOf(spike + 24, 'seasonal_weekly')).toEqual(expect.any(Number));
  });

  it('does not page the ordinary values that meet the spike a day and a week later', () => {
    const later = rows.slice(spike + 1).filter((row) => row.anomalous);
    expect(later).toHaveLength(0);
  });
});
