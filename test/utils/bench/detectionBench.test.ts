import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kale } from '../../support/kaleCli.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-detection-'));
const plots = path.join(dir, 'plots');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** ISO 8601 without a zone, as Numenta-style files write their timestamps. */
const isoOf = (t: number) => new Date(t * 1000).toISOString().replace('T', ' ').replace('.000Z', '');

/** Minute series with small deterministic wiggle; `step` rows from `at` on are shifted and labelled. */
function writeSeries(
  name: string,
  n: number,
  at?: number,
  into = dir,
  stamp: (t: number) => string = String,
) {
  const rows = ['timestamp,value,label'];
  for (let i = 0; i < n; i++) {
    const shifted = at !== undefined && i >= at;
    rows.push(
      `${stamp(1_700_000_000 + i * 60)},${100 + ((i * 37) % 11) - 5 + (shifted ? 200 : 0)},${shifted && i < at! + 5 ? 1 : 0}`,
    );
  }
  fs.mkdirSync(into, { recursive: true });
  fs.writeFileSync(path.join(into, name), `${rows.join('\n')}\n`);
}

describe('kale bench detection', () => {
  writeSeries('web__step.csv', 240, 200);
  writeSeries('db__quiet.csv', 240);

  it('scores each preset per domain and pooled, and plots the worst files', () => {
    const r = kale(['bench', 'detection', dir, '--preset', 'etsy,default', '--plot-dir', plots, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ bench: 'detection', files: 2, points: 480, tolerance: 5 });
    expect(Object.keys(out.domains).sort()).toEqual(['db', 'web']);
    for (const preset of ['etsy', 'default']) {
      for (const level of ['alerts', 'verdicts']) {
        expect(out.pooled[preset][level]).toMatchObject({ episodes: 1, points: 480 });
        for (const key of ['precision', 'recall', 'f1', 'fpPer1000', 'windowed'])
          expect(typeof out[`${preset}_${level}_${key}`]).toBe('number');
      }
    }
    // NAB: 240 rows, labelled run 200..204 → centre 202, window ⌊0.1·240⌋ = 24 rows → 190..214, probation 36 rows.
    for (const preset of ['etsy', 'default']) {
      for (const profile of ['standard', 'reward_low_FP', 'reward_low_FN']) {
        expect(typeof out[`${preset}_nab_${profile}`]).toBe('number');
        expect(out[`${preset}_nab_${profile}_found`]).toBe(out.nab[preset][profile].pooled.detected);
        expect(out.nab[preset][profile].pooled).toMatchObject({ windows: 1 });
        expect(out.nab[preset][profile].groups.web).toMatchObject({ windows: 1 });
        expect(out.nab[preset][profile].groups.db).toMatchObject({ windows: 0, score: null });
      }
      expect(out[`${preset}_nab_windows`]).toBe(1);
    }
    // A 200-unit step on a ±5 wiggle is caught by the default preset, with one alert for the episode.
    expect(out.pooled.default.alerts).toMatchObject({ caught: 1, recall: 1 });
    expect(out.domains.web.default.alerts.falsePositives).toBe(0);
    const html = fs.readFileSync(out.plot, 'utf8');
    expect(html).toContain('web__step.csv');
    expect(html).toContain('<svg');
  });

  it('scores files with ISO 8601 timestamps as it scores the same rows in epoch seconds', () => {
    const iso = path.join(dir, 'iso');
    writeSeries('web__step.csv', 240, 200, iso, isoOf);
    writeSeries('db__quiet.csv', 240, undefined, iso, isoOf);
    const run = (from: string) => {
      const r = kale(['bench', 'detection', from, '--preset', 'default', '--json']);
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout).nab;
    };
    expect(run(iso)).toEqual(run(dir));
  });

  it("takes the minimum score to alert from the config's analyzer.alertScore", () => {
    const config = path.join(dir, 'strict.json');
    fs.writeFileSync(config, JSON.stringify({ analyzer: { alertScore: 1 } }));
    const r = kale([
      'bench',
      'detection',
      dir,
      '--preset',
      'consensus',
      '--plot-dir',
      plots,
      '--config',
      config,
      '--json',
    ]);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    // The same detections, but none scores 1, so nothing pages.
    expect(out.pooled.consensus.verdicts.caught).toBe(1);
    expect(out.pooled.consensus.alerts).toMatchObject({ caught: 0, falsePositives: 0 });
  });

  it('prints a table and one result line without --json', () => {
    const r = kale(['bench', 'detection', dir, '--preset', 'default', '--plot-dir', plots]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^POOLED\s+default\s+alerts/m);
    expect(r.stdout).toMatch(/^NAB score/m);
    expect(r.stdout).toMatch(/^POOLED\s+default\s+-?[\d.]+\s+-?[\d.]+\s+-?[\d.]+\s+\d\/1\s/m);
    expect(r.stdout).toMatch(/^bench=detection .*default_alerts_f1=.*default_nab_standard=/m);
  });

  it('keeps only the files --files names, and takes the anomaly kind as the domain of <baseline>_<kind>_anomaly.csv', () => {
    const only = (pattern: string) =>
      JSON.parse(
        kale([
          'bench',
          'detection',
          dir,
          '--preset',
          'etsy',
          '--files',
          pattern,
          '--plot-dir',
          plots,
          '--json',
        ]).stdout,
      );
    expect(only('web__')).toMatchObject({ files: 1, points: 240 });
    expect(Object.keys(only('d*.csv').domains)).toEqual(['db']);
    expect(kale(['bench', 'detection', dir, '--files', 'nothing-like-this']).status).toBe(2);
    const synthetic = path.join(dir, 'synthetic');
    fs.mkdirSync(synthetic);
    fs.copyFileSync(path.join(dir, 'web__step.csv'), path.join(synthetic, 'flat_level_anomaly.csv'));
    fs.copyFileSync(path.join(dir, 'db__quiet.csv'), path.join(synthetic, 'flat.csv'));
    const r = kale(['bench', 'detection', synthetic, '--preset', 'etsy', '--plot-dir', plots, '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(Object.keys(JSON.parse(r.stdout).domains).sort()).toEqual(['flat', 'level']);
  });

  it('roughens the sampling with --irregular and still scores every labelled run', () => {
    const r = kale(['bench', 'detection', dir, '--files', '__', '--irregular', 'jitter,drop', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.irregular).toEqual(['jitter', 'drop']);
    expect(out.points).toBeLessThan(480 * 0.95);
    expect(out.default_nab_windows).toBe(1);
    const bad = kale(['bench', 'detection', dir, '--irregular', 'gaps']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain(
      '--irregular: unknown irregularity "gaps" (known: jitter, drop, outage, wander)',
    );
  });

  it('pools several folders into one sweep, naming each domain by its folder', () => {
    const other = path.join(dir, 'other');
    writeSeries('web__late.csv', 240, 150, other);
    const r = kale(['bench', 'detection', dir, other, '--files', '__', '--preset', 'default', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ files: 3, points: 720, default_nab_windows: 2 });
    const base = path.basename(dir);
    expect(Object.keys(out.domains).sort()).toEqual([`${base}/db`, `${base}/web`, 'other/web']);
    // One threshold for the pool: every group is scored at it.
    const standard = out.nab.default.standard;
    expect(standard.groups['other/web']).toMatchObject({ windows: 1 });
    expect(standard.groups[`${base}/web`].detected + standard.groups['other/web'].detected).toBe(
      standard.pooled.detected,
    );
    const empty = fs.mkdtempSync(path.join(dir, 'empty-'));
    const missing = kale(['bench', 'detection', dir, empty]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain(`${empty}: no .csv files`);
  });

  it('exits 2 on an unknown preset or a folder without CSV files', () => {
    expect(kale(['bench', 'detection', dir, '--preset', 'nope']).status).toBe(2);
    expect(kale(['bench', 'detection', plots]).status).toBe(2);
  });
});
