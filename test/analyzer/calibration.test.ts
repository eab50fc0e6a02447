import { describe, expect, it } from 'vitest';
import {
  calibrate,
  hourlyRarity,
  rarityOfScore,
  scoreOfRarity,
} from '../../analyzer/calibration/calibrate.js';
import { cauchyCombination } from '../../analyzer/calibration/cauchyCombination.js';
import { MetricState, PAST_INCIDENTS, lineUpSignature } from '../../analyzer/calibration/metricState.js';
import { TailSketch } from '../../analyzer/calibration/tailSketch.js';
import { getPreset } from '../../analyzer/presets.js';
import { replaySeries, type ReplayRow } from '../../analyzer/replay.js';
import type { AnalyzerRules } from '../../analyzer/rules.js';

const RULES: AnalyzerRules = {
  fullDuration: 86400,
  stalePeriod: 500,
  minTolerableLength: 1,
  maxTolerableBoredom: 100,
  boredomSetSize: 1,
  consensus: 6,
};

function random(seed: number) {
  let s = seed;
  const uniform = () => ((s = (s * 1103515245 + 12345) % 2147483648) + 0.5) / 2147483648;
  const gauss = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const poisson = (mean: number) => {
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= uniform();
    } while (p > Math.exp(-mean));
    return k - 1;
  };
  return { uniform, gauss, poisson };
}

function series(n: number, step: number, value: (i: number) => number) {
  const timestamps = new Float64Array(n);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    timestamps[i] = 1_700_006_400 + step * i;
    values[i] = value(i);
  }
  return { timestamps, values };
}

const replay = (s: ReturnType<typeof series>, alertScore?: number): ReplayRow[] => [
  ...replaySeries(s, getPreset('default'), RULES, { alertScore }),
];

describe('tail sketch', () => {
  it('answers how often evidence was at least this strong, and keeps shrinking beyond what it saw', () => {
    const sketch = new TailSketch();
    const r = random(1);
    for (let i = 0; i < 20_000; i++) sketch.add(Math.abs(r.gauss()));
    // |z| ≥ 2.58 is 1 % of normal rows, ≥ 3.29 is 0.1 %.
    expect(sketch.tail(2.58)!).toBeGreaterThan(0.005);
    expect(sketch.tail(2.58)!).toBeLessThan(0.02);
    expect(sketch.tail(3.29)!).toBeGreaterThan(0.0003);
    expect(sketch.tail(3.29)!).toBeLessThan(0.003);
    let last = 1;
    for (const e of [0.5, 1, 2, 4, 8, 50, 1e3, 1e6, 1e9]) {
      const p = sketch.tail(e)!;
      expect(p).toBeLessThan(last);
      expect(p).toBeGreaterThan(0);
      last = p;
    }
    expect(new TailSketch().tail(5)).toBeNull();
  });

  it("ranks a light tail's rows beyond the counted range by the fit, not as common as their bin", () => {
    const sketch = new TailSketch();
    const r = random(3);
    for (let i = 0; i < 20_000; i++) sketch.add(Math.abs(r.gauss()));
    // About 30 rows lie in the bin from 3.16 to 5.62; a 5 σ row is not "one of them" (1 in 1,300).
    expect(sketch.tail(5)!).toBeLessThan(1 / 3000);
    expect(sketch.tail(5)!).toBeGreaterThan(0);
  });

  it('keeps a second mode as common as it was counted, however far above the rest', () => {
    const sketch = new TailSketch();
    const r = random(2);
    for (let i = 0; i < 10_000; i++) sketch.add(i % 50 === 0 ? 200 : Math.abs(r.gauss()));
    expect(sketch.tail(150)!).toBeGreaterThan(0.01);
  });

  it('stays bounded: counters halve instead of overflowing', () => {
    const sketch = new TailSketch();
    for (let i = 0; i < 70_000; i++) sketch.add(1);
    sketch.add(100);
    expect(sketch.total).toBeLessThan(70_000);
    expect(sketch.tail(100)!).toBeGreaterThan(0);
  });
});

describe('Cauchy combination', () => {
  it('lets one decisive detector count and ordinary ones stay neutral', () => {
    expect(cauchyCombination([1e-9, 0.9, 0.99, 0.6])).toBeLessThan(1e-8);
    expect(cauchyCombination([1e-9, 0.5, 0.5, 0.5])).toBeCloseTo(
      cauchyCombination([1e-9, 0.9, 0.99, 0.6]),
      12,
    );
    expect(cauchyCombination([0.3, 0.4])).toBeGreaterThan(0.2);
    expect(cauchyCombination([])).toBe(1);
  });
});

describe('score', () => {
  it('maps rarity per hour to [0, 1) and back: 0.5 is once in 10,000 hours', () => {
    expect(scoreOfRarity(4)).toBe(0.5);
    expect(scoreOfRarity(hourlyRarity(4, 3600))).toBe(0.5);
    // A one-minute metric has 60 rows an hour but fewer chances to page than rows (60^0.75, about 22):
    // the same row rarity is less rare per hour, and less so than independent rows would make it.
    expect(hourlyRarity(4, 60)).toBeCloseTo(4 - 0.75 * Math.log10(60), 10);
    expect(hourlyRarity(4, 300)).toBeGreaterThan(hourlyRarity(4, 60));
    expect(hourlyRarity(4, 300)).toBeLessThan(4);
    expect(rarityOfScore(scoreOfRarity(6.5))).toBeCloseTo(6.5, 10);
    expect(scoreOfRarity(0)).toBe(0);
  });
});

describe('metric state', () => {
  it('round-trips through its bytes and is discarded for another line-up', () => {
    const sig = lineUpSignature(['a', 'b']);
    const state = MetricState.fresh(sig, 2);
    state.sketches[1].add(3);
    state.lastJudged = 1234;
    state.incident = { start: 1000, lastExcited: 1200, peak: 5.5, flagged: true };
    const bytes = state.encode();
    expect(bytes.length).toBe(MetricState.byteLength(2));
    const back = MetricState.decode(bytes, sig, 2);
    expect(back.lastJudged).toBe(1234);
    expect(back.incident).toEqual({ start: 1000, lastExcited: 1200, peak: 5.5, flagged: true });
    expect(back.sketches[1].total).toBe(1);
    expect(MetricState.decode(bytes, lineUpSignature(['a', 'c']), 2).sketches[1].total).toBe(0);
    expect(MetricState.decode(bytes.subarray(1), sig, 2).lastJudged).toBe(-Infinity);
  });

  it('remembers the last PAST_INCIDENTS closed incidents through its bytes', () => {
    const sig = lineUpSignature(['a']);
    const state = MetricState.fresh(sig, 1);
    for (let k = 0; k < PAST_INCIDENTS + 3; k++) {
      state.openIncident(1_700_000_000 + 1000 * k, 3);
      state.incident!.lastExcited += 120;
    }
    const back = MetricState.decode(state.encode(), sig, 1);
    expect(back.pastIncidents).toHaveLength(PAST_INCIDENTS);
    // PAST_INCIDENTS + 2 closed (the first had none before it): the two oldest were forgotten.
    expect(back.pastIncidents[0]).toEqual([1_700_002_000, 1_700_002_120]);
    expect(back.incident?.start).toBe(1_700_000_000 + 1000 * (PAST_INCIDENTS + 2));
    expect(back.incidentAround(1_700_002_060, 0)).toBe(true);
    expect(back.incidentAround(1_700_002_180, 60)).toBe(true);
    expect(back.incidentAround(1_700_002_180, 59)).toBe(false);
    expect(back.incidentAround(1_700_001_060, 60)).toBe(false);
    expect(back.incidentAround(1_700_000_000 + 1000 * (PAST_INCIDENTS + 2) + 60, 0)).toBe(true);
  });
});

describe("learning a metric's history", () => {
  // One detector whose ordinary evidence is 0.5 to 1.4; evidence of 2 is then rarer than 1 row in
  // 20 but not the 1 in 100 that opens an incident.
  function learnedState(): MetricState {
    const state = MetricState.fresh(0, 1);
    for (let i = 0; i < 400; i++) calibrate(state, [0.5 + (i % 10) / 10], i * 60, 3600, 0.4, 60);
    return state;
  }

  it('learns a run of unusual rows for its first three rows only, so a mild excursion stays unusual', () => {
    const state = learnedState();
    const before = state.sketches[0].total;
    const rarities: number[] = [];
    for (let i = 0; i < 12; i++) rarities.push(calibrate(state, [2], (400 + i) * 60, 3600, 0.4, 60).rarity);
    expect(rarities[0]).toBeGreaterThanOrEqual(1.3);
    expect(rarities[0]).toBeLessThan(2);
    expect(state.sketches[0].total - before).toBe(3);
    // Twelve rows of it have not made it ordinary.
    expect(rarities[11]).toBeGreaterThanOrEqual(1.3);
    // An ordinary row ends the run: the next unusual ones are learned again.
    calibrate(state, [1], 412 * 60, 3600, 0.4, 60);
    calibrate(state, [2], 413 * 60, 3600, 0.4, 60);
    expect(state.sketches[0].total - before).toBe(5);
  });

  it('scores a run of unusual rows that opens no incident on its first row only', () => {
    const state = learnedState();
    const scores: number[] = [];
    for (let i = 0; i < 12; i++) scores.push(calibrate(state, [2], (400 + i) * 60, 3600, 0.4, 60).score);
    expect(scores[0]).toBeGreaterThan(0);
    expect(scores.slice(1)).toEqual(Array(11).fill(0));
    // An ordinary row ends the run; the next unusual row is news again.
    calibrate(state, [1], 412 * 60, 3600, 0.4, 60);
    expect(calibrate(state, [2], 413 * 60, 3600, 0.4, 60).score).toBeGreaterThan(0);
  });

  it('inside an incident, flags a row again only when it is three quarters of a decade rarer than the peak', () => {
    const state = learnedState();
    // The rarity a row of evidence `e` would have now, judged on a copy of the state.
    const rarityOf = (e: number, t: number) =>
      calibrate(MetricState.decode(state.encode(), 0, 1), [e], t, 3600, 0.4, 60).rarity;
    // The smallest evidence (in steps of 1 %) whose rarity reaches `target`.
    const evidenceFor = (target: number, t: number) => {
      let e = 1.5;
      while (rarityOf(e, t) < target) e *= 1.01;
      return e;
    };
    const opening = calibrate(state, [evidenceFor(2.5, 400 * 60)], 400 * 60, 3600, 0.4, 60);
    expect(opening.role).toBe('start');
    const peak = opening.rarity;
    // Half a decade past the peak is still the same excursion climbing.
    const climb = calibrate(state, [evidenceFor(peak + 0.55, 401 * 60)], 401 * 60, 3600, 0.4, 60);
    expect(climb.rarity).toBeLessThan(peak + 0.75);
    expect(climb).toMatchObject({ role: 'ongoing', score: 0, anomalous: false });
    // Three quarters of a decade past the new peak is news: flagged again, but it does not page twice.
    const worse = calibrate(state, [evidenceFor(climb.rarity + 0.8, 402 * 60)], 402 * 60, 3600, 0.4, 60);
    expect(worse.role).toBe('escalation');
    expect(worse.score).toBeGreaterThan(0);
    expect(worse.page).toBe(false);
  });

  it('keeps the run across a restart (it is part of the stored state)', () => {
    const state = learnedState();
    for (let i = 0; i < 3; i++) calibrate(state, [2], (400 + i) * 60, 3600, 0.4, 60);
    const back = MetricState.decode(state.encode(), 0, 1);
    expect(back.unusualRun).toBe(3);
    expect(back.runPeak).toBeCloseTo(state.runPeak, 5);
    expect(back.runPeak).toBeGreaterThanOrEqual(1.3);
    expect(calibrate(back, [2], 403 * 60, 3600, 0.4, 60).score).toBe(0);
    const total = back.sketches[0].total;
    calibrate(back, [2], 403 * 60, 3600, 0.4, 60);
    expect(back.sketches[0].total).toBe(total);
  });
});

describe('calibrated default preset', () => {
  // 1 row in 100 of a one-minute metric: enough flags in 12,000 rows to measure a rate.
  const flagAt = scoreOfRarity(hourlyRarity(2, 60));
  const warmUp = 2000;
  const n = 12_000;
  const expected = (n - warmUp) / 100;
  const flips = random(7);
  let mode = 0;
  const noises: Record<string, (r: ReturnType<typeof random>) => number> = {
    gaussian: (r) => 1000 + 50 * r.gauss(),
    'Poisson, mean 1': (r) => r.poisson(1),
    lognormal: (r) => Math.exp(2 + r.gauss()),
  };
  for (const [name, noise] of Object.entries(noises)) {
    it(`scores pure ${name} noise at the configured rarity within a factor of 2, and flags no more`, () => {
      const r = random(11);
      const rows = replay(
        series(n, 60, () => noise(r)),
        flagAt,
      ).slice(warmUp);
      // The score's calibration: rows at least as rare as the threshold.
      const rare = rows.filter((row) => row.analysis!.calibration!.rawScore >= flagAt).length;
      expect(rare).toBeGreaterThan(expected / 2);
      expect(rare).toBeLessThan(expected * 2);
      // Flags are the rare rows that open an incident: never more, and not silent.
      const flagged = rows.filter((row) => row.anomalous).length;
      expect(flagged).toBeLessThanOrEqual(rare);
      expect(flagged).toBeGreaterThan(expected / 4);
    });
  }

  it('flags a bimodal gauge (CPU flipping between 0 and 100 %) no more than the configured rate', () => {
    const r = random(13);
    const rows = replay(
      series(n, 60, () => {
        if (flips.uniform() < 0.02) mode = 1 - mode;
        return mode * 100 + Math.abs(r.gauss());
      }),
      flagAt,
    );
    expect(rows.slice(warmUp).filter((row) => row.anomalous).length).toBeLessThan(expected * 2);
  });

  // At the default alertScore a metric pages by chance about once in 470 hours; 10,000 one-minute
  // rows are 167 hours. Each of these is the series' normal behaviour.
  const normal: Record<string, (r: ReturnType<typeof random>, i: number) => number> = {
    'bursty counts (median 1, bursts of 50x in 1 % of rows)': (r) =>
      r.uniform() < 0.01 ? 50 * (1 + r.poisson(1)) : r.poisson(1),
    'near-zero mentions (median 0, bursts of about 60)': (r) =>
      r.uniform() < 0.005 ? r.poisson(60) : r.poisson(0.5),
    'a slow drift': (r, i) => 100 + 0.02 * i + 2 * r.gauss(),
  };
  for (const [name, value] of Object.entries(normal)) {
    it(`does not page on ${name}`, () => {
      const r = random(23);
      const rows = replay(series(n, 60, (i) => value(r, i)));
      expect(rows.slice(warmUp).filter((row) => row.anomalous).length).toBeLessThanOrEqual(4);
    });
  }

  it('does not page on gaps in a series', () => {
    const r = random(29);
    const s = series(n, 60, (i) => 50 + 5 * Math.sin(i / 229) + r.gauss());
    // Two hours missing out of every 1,000 minutes after the first 3,000.
    const keep = Array.from(s.timestamps.keys()).filter((i) => i < 3000 || i % 1000 >= 120);
    const rows = replay({
      timestamps: Float64Array.from(keep, (i) => s.timestamps[i]),
      values: Float64Array.from(keep, (i) => s.values[i]),
    });
    expect(rows.slice(warmUp).filter((row) => row.anomalous).length).toBeLessThanOrEqual(1);
  });

  it('does not page when a five-minute series comes back after two days of silence', () => {
    const r = random(31);
    const s = series(10 * 288, 300, (i) => 50 + 20 * Math.sin((2 * Math.PI * i) / 288) + 0.5 * r.gauss());
    // Days 7 and 8 never arrived (a collector down over a weekend).
    const keep = Array.from(s.timestamps.keys()).filter((i) => i < 7 * 288 || i >= 9 * 288);
    const rows = replay({
      timestamps: Float64Array.from(keep, (i) => s.timestamps[i]),
      values: Float64Array.from(keep, (i) => s.values[i]),
    });
    expect(rows.slice(3 * 288).filter((row) => row.anomalous)).toHaveLength(0);
  });

  it('flags a clear spike on an hourly series, and only that row', () => {
    const r = random(17);
    const s = series(30 * 24, 3600, (i) => 100 + 40 * Math.sin((2 * Math.PI * i) / 24) + 5 * r.gauss());
    s.values[s.values.length - 1] = 18 * 100;
    const rows = replay(s);
    expect(rows.at(-1)!.anomalous).toBe(true);
    expect(rows.at(-1)!.score).toBeGreaterThan(0.5);
    expect(rows.slice(7 * 24, -1).filter((row) => row.anomalous)).toHaveLength(0);
  });

  it('flags a spike on a series that sat still on its own row, not on the row after', () => {
    // A gauge flat for a week at five minutes, then one row at 80.
    const s = series(7 * 288, 300, () => 50);
    const at = s.values.length - 10;
    s.values[at] = 80;
    const rows = replay(s);
    expect(rows[at].anomalous).toBe(true);
    expect(rows.filter((row) => row.anomalous)).toHaveLength(1);
  });

  it('pages once for a sustained excursion', () => {
    const r = random(19);
    const start = 4000;
    const rows = replay(
      series(4600, 60, (i) => 500 + 10 * r.gauss() + (i >= start && i < start + 300 ? 200 : 0)),
    );
    const flagged = rows.map((row, i) => (row.anomalous ? i : -1)).filter((i) => i >= 0);
    expect(flagged.filter((i) => i >= start && i < start + 300)).toHaveLength(1);
    expect(flagged.filter((i) => i >= start && i < start + 3)).toHaveLength(1);
    const recovery = rows.slice(start + 300, start + 310);
    expect(recovery.filter((row) => row.anomalous).length).toBeLessThanOrEqual(1);
  });
});

describe('the default line-up by resolution', () => {
  it('leaves median_absolute_deviation and level_shift out of a five-minute series, local_trend out of an hourly one', () => {
    const r = random(11);
    const judged = (step: number) => {
      const votes = replay(series(400, step, () => 100 + r.gauss())).at(-1)!.analysis!.votes!;
      return Object.keys(votes).filter((name) => votes[name] !== null);
    };
    const fiveMinutes = judged(300);
    expect(fiveMinutes).toContain('holt_residual');
    expect(fiveMinutes).toContain('local_trend');
    expect(fiveMinutes).not.toContain('median_absolute_deviation');
    expect(fiveMinutes).not.toContain('level_shift');
    const hourly = judged(3600);
    expect(hourly).toEqual(
      expect.arrayContaining(['median_absolute_deviation', 'holt_residual', 'level_shift']),
    );
    expect(hourly).not.toContain('local_trend');
    expect(judged(1800)).not.toContain('local_trend');
    expect(judged(60)).toEqual(
      expect.arrayContaining(['median_absolute_deviation', 'holt_residual', 'level_shift', 'local_trend']),
    );
  });
});
