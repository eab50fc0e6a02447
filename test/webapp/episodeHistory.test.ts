import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnomalyRecord } from '../../core/store/store.js';
import { startTestWebapp, type TestWebapp } from './fixtures.js';

const NOW = Math.floor(Date.now() / 1000);
const METRIC = 'db.primary.load';
const FIRST = `${METRIC}@${NOW - 900}`;
const SECOND = `${METRIC}@${NOW - 120}`;

/** A record as the analyzer writes it: `flagged: false` continues an incident that already paged. */
const record = (timestamp: number, episode: string, flagged?: boolean): AnomalyRecord => ({
  metric: METRIC,
  timestamp,
  value: 9,
  preset: 'default',
  votes: {},
  score: 0.9,
  episode,
  detectedAt: timestamp + 5,
  ...(flagged === undefined ? {} : { flagged }),
});

describe('episode history API', () => {
  let w: TestWebapp;
  const json = async (path: string) => {
    const r = await fetch(w.url + path);
    return { status: r.status, body: await r.json() };
  };

  beforeAll(async () => {
    w = await startTestWebapp();
    await w.store.recordAnomalies(
      [
        record(NOW - 900, FIRST),
        record(NOW - 840, FIRST, false),
        record(NOW - 780, FIRST, false),
        record(NOW - 120, SECOND, true),
        { ...record(NOW - 840, 'other.metric@1'), metric: 'other.metric' },
      ],
      86400,
    );
  });
  afterAll(() => w.stop());

  it("answers only the episode's records, newest first, with their flagged field", async () => {
    const { status, body } = await json(`/api/anomalies/history?episode=${encodeURIComponent(FIRST)}`);
    expect(status).toBe(200);
    expect(body.anomalies.map((a: AnomalyRecord) => [a.timestamp, a.episode, a.flagged])).toEqual([
      [NOW - 780, FIRST, false],
      [NOW - 840, FIRST, false],
      [NOW - 900, FIRST, undefined],
    ]);
    expect(
      (await json(`/api/anomalies/history?metric=${METRIC}&episode=${encodeURIComponent(SECOND)}`)).body
        .anomalies,
    ).toHaveLength(1);
    expect(
      (await json(`/api/anomalies/history?episode=${encodeURIComponent(FIRST)}&limit=1`)).body.anomalies[0]
        .timestamp,
    ).toBe(NOW - 780);
  });

  it('refuses a malformed episode, or one of another metric, with a 400 naming the parameter', async () => {
    for (const bad of ['nope', `${METRIC}@`, `@${NOW}`, `${METRIC}@12x`]) {
      const r = await json(`/api/anomalies/history?episode=${encodeURIComponent(bad)}`);
      expect(r.status, bad).toBe(400);
      expect(r.body.error, bad).toMatch(/^episode: expected METRIC@TIMESTAMP/);
    }
    expect(
      await json(`/api/anomalies/history?metric=other.metric&episode=${encodeURIComponent(FIRST)}`),
    ).toEqual({ status: 400, body: { error: `episode: belongs to ${METRIC}, not to metric other.metric` } });
    expect((await json(`/api/anomalies/history?episode=${'a'.repeat(1200)}@1`)).status).toBe(400);
  });
});
