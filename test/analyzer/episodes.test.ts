import { describe, expect, it } from 'vitest';
import {
  advanceEpisode,
  alertRows,
  episodeOptionsForStep,
  type EpisodeState,
} from '../../analyzer/episodes.js';

const opts = { gap: 120, quietPeriod: 300 };

describe('episodes', () => {
  it('opens an episode on a detection, extends it within the gap and alerts once', () => {
    let state: EpisodeState | null = null;
    const seen: Array<[boolean, string | null]> = [];
    for (const [t, a] of [
      [0, true],
      [60, true],
      [120, false],
      [180, true],
      [240, false],
    ] as const) {
      const step = advanceEpisode('m', state, t, a, opts);
      state = step.state;
      seen.push([step.alert, step.episode?.id ?? null]);
    }
    expect(seen).toEqual([
      [true, 'm@0'],
      [false, 'm@0'],
      [false, null],
      [false, 'm@0'],
      [false, null],
    ]);
    expect(state).toMatchObject({ id: 'm@0', start: 0, end: 180, detections: 3, alerted: true });
  });

  it('suppresses the alert of a new episode inside the quiet period, and alerts again after it', () => {
    const first = advanceEpisode('m', null, 0, true, opts).state;
    const quiet = advanceEpisode('m', first, 400, true, opts);
    expect(quiet).toMatchObject({ alert: false, episode: { id: 'm@400', alerted: false } });
    const later = advanceEpisode('m', quiet.state, 400 + 120 + 300 + 1, true, opts);
    expect(later).toMatchObject({ alert: true, episode: { id: 'm@821', alerted: true } });
  });

  it('measures gap and quiet period in at least a few sampling steps', () => {
    expect(episodeOptionsForStep(60, { gap: 600, quietPeriod: 1800 }, { gap: 3, quietPeriod: 6 })).toEqual({
      gap: 600,
      quietPeriod: 1800,
    });
    expect(episodeOptionsForStep(3600, { gap: 600, quietPeriod: 1800 }, { gap: 3, quietPeriod: 6 })).toEqual({
      gap: 10800,
      quietPeriod: 21600,
    });
  });

  it('turns replayed verdicts into alert rows', () => {
    const ts = Float64Array.from({ length: 20 }, (_, i) => i * 60);
    const verdicts = ts.map((_, i) => ((i >= 3 && i <= 5) || i === 7 || i === 19 ? 1 : 0));
    const alerts = alertRows('m', ts, Array.from(verdicts, Boolean), new Array(20).fill(1), opts);
    expect(alerts.flatMap((a, i) => (a ? [i] : []))).toEqual([3, 19]);
  });

  it('alerts on the first detection of an episode that reaches the minimum score, once', () => {
    const ts = Float64Array.from({ length: 20 }, (_, i) => i * 60);
    const anomalous = ts.map((_, i) => ((i >= 2 && i <= 5) || i === 19 ? 1 : 0));
    const scores = [0, 0, 0.5, 0.6, 0.9, 0.95, ...new Array(13).fill(0), 0.5];
    const alerts = alertRows('m', ts, Array.from(anomalous, Boolean), scores, { ...opts, minScore: 0.75 });
    // The episode from row 2 alerts when it gets strong at row 4; the weak one at row 19 never does.
    expect(alerts.flatMap((a, i) => (a ? [i] : []))).toEqual([4]);
    expect(
      alertRows('m', ts, Array.from(anomalous, Boolean), scores, opts).flatMap((a, i) => (a ? [i] : [])),
    ).toEqual([2, 19]);
  });

  it('never alerts an episode opened in the quiet period, however strong', () => {
    const first = advanceEpisode('m', null, 0, true, { ...opts, minScore: 0.75 }, 0.1).state;
    expect(first).toMatchObject({ alerted: false, mayAlert: true });
    const quiet = advanceEpisode('m', first, 400, true, { ...opts, minScore: 0.75 }, 0.99);
    expect(quiet).toMatchObject({ alert: false, episode: { mayAlert: false } });
    expect(advanceEpisode('m', quiet.state, 460, true, { ...opts, minScore: 0.75 }, 0.99).alert).toBe(false);
  });
});
