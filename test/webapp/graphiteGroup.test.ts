import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daySeries, type TestWebapp } from './fixtures.js';
import { NOW, renderTarget, startGraphiteKale, type Rendered } from './graphiteData.js';

/** Tagged series as Prometheus remote_write stores them, beside startGraphiteKale's plain paths. */
const TAGGED = [
  'http_requests_total;code=200;job=api',
  'http_requests_total;code=500;job=api',
  'http_requests_total;code=200;job=web',
  'up;job=api',
];

describe('Graphite groupBy functions (functions/group.ts)', () => {
  let w: TestWebapp;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ w, close } = await startGraphiteKale());
    await w.store.append(TAGGED.map((name, i) => ({ name, points: daySeries(NOW, 40 + i, false) })));
  });
  afterAll(async () => close());

  const render = (target: string) => renderTarget(w.url, target, NOW - 3600);
  const stored = async (metric: string) => {
    const res = await fetch(`${w.url}/api/series?metric=${encodeURIComponent(metric)}`);
    return new Map((await res.json()).points as Array<[number, number]>);
  };
  /** Every rendered point of `series` equals `expected` of the stored values at its timestamp. */
  const expectFold = (
    series: Rendered[number],
    inputs: Array<Map<number, number>>,
    fold: (xs: number[]) => number,
  ) => {
    let checked = 0;
    for (const [v, ts] of series.datapoints) {
      const xs = inputs.map((m) => m.get(ts)).filter((x): x is number => x !== undefined);
      if (xs.length !== inputs.length) continue;
      expect(v).toBeCloseTo(fold(xs), 9);
      checked++;
    }
    expect(checked).toBeGreaterThan(50);
  };
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

  it('groupByNode folds the series sharing a node, named after it, in first-seen order', async () => {
    const { status, body } = await render("groupByNode(*.*.{requests,load}, 0, 'sum')");
    expect(status).toBe(200);
    expect(body.map((s) => s.target)).toEqual(['db', 'web']);
    expect(body[1].tags).toEqual({ name: 'web', aggregatedBy: 'sum' });
    const web = await Promise.all(
      ['web.host1.requests', 'web.host10.requests', 'web.host2.requests'].map(stored),
    );
    expectFold(body[1], web, sum);
    // The callback defaults to average, and a Combine function's name works as a callback.
    const avg = (await render('groupByNode(web.*.requests, 2)')).body;
    expect(avg.map((s) => s.target)).toEqual(['requests']);
    expectFold(avg[0], web, (xs) => sum(xs) / xs.length);
    const max = (await render("groupByNode(web.*.requests, -1, 'maxSeries')")).body;
    expectFold(max[0], web, (xs) => Math.max(...xs));
  });

  it('groupByNodes keys on several nodes joined with dots', async () => {
    const { body } = await render("groupByNodes(web.host{1,2}.requests, 'min', 1, 2)");
    expect(body.map((s) => s.target)).toEqual(['host1.requests', 'host2.requests']);
    expectFold(body[0], [await stored('web.host1.requests')], (xs) => xs[0]);
  });

  it('groupByTags folds tagged series by the given tags, named as a tagged series', async () => {
    const expr = "seriesByTag('name=http_requests_total')";
    const byJob = (await render(`groupByTags(${expr}, 'sum', 'job')`)).body;
    expect(byJob.map((s) => s.target)).toEqual([
      'http_requests_total;job=api',
      'http_requests_total;job=web',
    ]);
    expect(byJob[0].tags).toEqual({ name: 'http_requests_total', job: 'api' });
    expectFold(byJob[0], await Promise.all(TAGGED.slice(0, 2).map(stored)), sum);
    // Inputs of several names are named after the callback unless name is a grouping tag.
    const mixed = (await render("groupByTags(seriesByTag('job=api'), 'max', 'job')")).body;
    expect(mixed.map((s) => s.target)).toEqual(['max;job=api']);
    const named = (await render("groupByTags(seriesByTag('job=api'), 'max', 'name', 'code')")).body;
    expect(named.map((s) => s.target)).toEqual([
      'http_requests_total;code=200',
      'http_requests_total;code=500',
      'up;code=',
    ]);
  });

  it('says which callback or tag is wrong', async () => {
    const bad = async (t: string) => {
      const r = await render(t);
      expect(r.status).toBe(400);
      return r.body.error;
    };
    expect(await bad("groupByNode(web.*.requests, 1, 'stddev')")).toMatch(
      /groupByNode: callback must be one of sum, .*min/,
    );
    expect(await bad('groupByNodes(web.*.requests)')).toMatch(/groupByNodes: callback is required/);
    expect(await bad("groupByTags(web.*.requests, 'sum', 'job=x')")).toBe(
      'groupByTags: "job=x" is not a tag name',
    );
  });
});
