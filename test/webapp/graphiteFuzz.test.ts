import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWebapp } from './fixtures.js';
import { postForm, startGraphiteKale } from './graphiteData.js';

const FUNCTIONS = [
  'alias',
  'aliasByNode',
  'aliasByMetric',
  'sumSeries',
  'averageSeries',
  'maxSeries',
  'minSeries',
  'scale',
  'summarize',
  'movingAverage',
  'perSecond',
  'nonNegativeDerivative',
  'consolidateBy',
  'constantLine',
  'anomalies',
  'holtWintersForecast',
  'eval',
  '__proto__',
  'constructor',
];
const PATHS = [
  'web.*.requests',
  'web.host{1,2}.requests',
  'web.host[0-9].requests',
  '*',
  '*.*.*',
  'app.counter.total',
  'nope',
  'web.{a,b}{c,d}{e,f}.*',
  '[',
  '{',
  '...',
];
const LITERALS = [
  '1h',
  "'5min'",
  '"1d"',
  '0s',
  '-5min',
  '99999y',
  '1.5s',
  'true',
  'None',
  '-1',
  '0',
  '1e308',
  '-1e308',
  '2.5',
  '1e15',
  'NaN',
  "'sum'",
  "'median'",
  '"x"',
];

/** Well-formed-looking calls with arguments of every kind, nested a few deep. */
const call: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...PATHS),
    fc
      .tuple(
        fc.constantFrom(...FUNCTIONS),
        fc.array(
          fc.oneof(
            tie('expr'),
            fc.constantFrom(...LITERALS),
            fc.constantFrom(...LITERALS).map((v) => `func=${v}`),
          ),
          { maxLength: 4 },
        ),
      )
      .map(([f, args]) => `${f}(${args.join(', ')})`),
  ),
})).expr;

/** Strings over the characters a target is made of. */
const garbage = fc.string({ unit: fc.constantFrom(...'ab.*{},()[]\'"=-1 ?!\\%'.split('')), maxLength: 60 });
const time = fc.oneof(
  fc.constantFrom(
    '-1h',
    '-7d',
    'now',
    'now-1h',
    '-5min',
    '12:00_20261203',
    '20261203',
    '0',
    '1e400',
    '-',
    'now+',
    '+1h',
    '-99999999999y',
    '99:99_20261301',
  ),
  fc.integer({ min: -1, max: 2 ** 40 }).map(String),
);

describe('Graphite API under malformed targets and calls', () => {
  let w: TestWebapp;
  let close: () => Promise<void>;
  beforeAll(async () => ({ w, close } = await startGraphiteKale()));
  afterAll(async () => close());

  /** Every answer is a 200 or a 400 with a JSON body, within ten seconds (a hang fails the test). */
  const answersSanely = async (path: string, pairs: Array<[string, string]>) => {
    const res = await postForm(`${w.url}${path}`, pairs).catch((err) => {
      throw new Error(`${path} ${JSON.stringify(pairs).slice(0, 300)}: ${err}`);
    });
    const body = await res.text();
    expect([200, 400], `${res.status} for ${JSON.stringify(pairs)}: ${body.slice(0, 200)}`).toContain(
      res.status,
    );
    expect(() => JSON.parse(body)).not.toThrow();
    if (res.status === 400) expect(JSON.parse(body).error).toEqual(expect.any(String));
  };

  it('answers random function calls with data or a 400, never a 500 or a hang', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(call, { minLength: 1, maxLength: 3 }),
        time,
        fc.option(fc.integer({ min: -1, max: 3000 }).map(String)),
        async (targets, from, mdp) => {
          await answersSanely('/render', [
            ['__proto__', 'x'],
            ...targets.map((t): [string, string] => ['target', t]),
            ['from', from],
            ['until', 'now'],
            ['format', 'json'],
            ...(mdp === null ? [] : [['maxDataPoints', mdp] as [string, string]]),
          ]);
        },
      ),
      { numRuns: 250 },
    );
  });

  it('answers garbage targets, find queries, expand queries and event tags with a 400 or an answer', async () => {
    await fc.assert(
      fc.asyncProperty(garbage, async (g) => {
        await answersSanely('/render', [
          ['target', g],
          ['from', '-1h'],
        ]);
        await answersSanely('/metrics/find', [['query', g]]);
        await answersSanely('/metrics/expand', [['query', g]]);
        const res = await fetch(`${w.url}/events/get_data?from=-1d&until=now&tags=${encodeURIComponent(g)}`);
        expect([200, 400]).toContain(res.status);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses what would be too big, naming the limit', async () => {
    const nested = `${'scale('.repeat(40)}web.*${',2)'.repeat(40)}`;
    const err = async (pairs: Array<[string, string]>) =>
      ((await (await postForm(`${w.url}/render`, pairs)).json()) as { error: string }).error;
    expect(await err([['target', nested]])).toMatch(/calls nested deeper than 32/);
    expect(await err([['target', `web.${'{a,b}'.repeat(9)}`]])).toMatch(/more than 256 \{a,b\} alternatives/);
    expect(
      await err([
        ['target', "summarize(web.*.requests, '1s')"],
        ['from', '-1y'],
      ]),
    ).toMatch(/more than 20,000,000 points/);
    expect(await err(Array.from({ length: 101 }, (): [string, string] => ['target', 'web.*']))).toBe(
      'target: at most 100 are accepted, got 101',
    );
    const big = await postForm(`${w.url}/render`, [['target', 'x'.repeat(2_000_000)]]);
    expect(big.status).toBe(413);
  });
});
