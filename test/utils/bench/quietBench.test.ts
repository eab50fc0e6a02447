import { describe, expect, it } from 'vitest';
import { NORMAL_SHAPE_NAMES, normalSeries } from '../../../utils/bench/normalShapes.js';
import { kale } from '../../support/kaleCli.js';

describe('normal shapes', () => {
  it('are reproducible, one row per step from a Monday midnight UTC', () => {
    for (const name of NORMAL_SHAPE_NAMES) {
      const a = normalSeries(name, 600, 300);
      const b = normalSeries(name, 600, 300);
      expect(Array.from(a.values)).toEqual(Array.from(b.values));
      expect(a.timestamps[0] % 86400).toBe(0);
      expect(new Date(a.timestamps[0] * 1000).getUTCDay()).toBe(1);
      expect(a.timestamps[599] - a.timestamps[0]).toBe(599 * 300);
      expect(a.values.every(Number.isFinite)).toBe(true);
    }
  });

  it('draws a daily reset that climbs all day and falls at midnight', () => {
    const { values } = normalSeries('daily_reset', 600, 300);
    // Row 287 is 23:55, row 288 the next midnight.
    expect(values[287] - values[288]).toBeGreaterThan(90);
    expect(values[200]).toBeGreaterThan(values[100]);
  });
});

describe('kale bench quiet', () => {
  it('counts the flags per shape and preset after the warm-up, beside the chance rate', () => {
    const r = kale(
      'bench quiet --shapes gaussian,cron_burst --preset default,consensus --days 3 --warm-up-days 1 --json'.split(
        ' ',
      ),
    );
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ bench: 'quiet', shapes: 2, rows: 864, step: 300 });
    for (const shape of ['gaussian', 'cron_burst']) {
      for (const preset of ['default', 'consensus']) {
        expect(out.results[shape][preset].rows).toBe(576);
        expect(out[`${preset}_${shape}_flagged`]).toBe(out.results[shape][preset].flagged);
      }
      // 576 five-minute rows are 48 hours; the default flag score stands for once in about 470 hours of
      // a metric's life, and a five-minute metric has 12^0.75 chances an hour.
      expect(out.results[shape].default.expected).toBeGreaterThan(0.1);
      expect(out.results[shape].default.expected).toBeLessThan(1);
      expect(out.results[shape].consensus.expected).toBeNull();
    }
    // The voting line-up flags the six-hourly job's runs (every one of them ordinary): the bench
    // counts what a preset flags, and the calibrated one flags far fewer.
    expect(out.results.cron_burst.consensus.flagged).toBeGreaterThan(10);
    expect(out.results.cron_burst.default.flagged).toBeLessThan(out.results.cron_burst.consensus.flagged / 4);
  });

  it('names the option that is wrong', () => {
    const shape = kale(['bench', 'quiet', '--shapes', 'gaussian,sinewave']);
    expect(shape.status).not.toBe(0);
    expect(shape.stderr).toContain('--shapes: unknown shape "sinewave"');
    const warmUp = kale(['bench', 'quiet', '--days', '2', '--warm-up-days', '2']);
    expect(warmUp.status).not.toBe(0);
    expect(warmUp.stderr).toContain('--warm-up-days');
    const step = kale(['bench', 'quiet', '--step', '0']);
    expect(step.stderr).toContain('--step: expected a positive number');
  });
});
