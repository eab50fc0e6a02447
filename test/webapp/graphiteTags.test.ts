import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daySeries, type TestWebapp } from './fixtures.js';
import { NOW, postForm, renderTarget, startGraphiteKale } from './graphiteData.js';

/**
 * Graphite's tag database over tagged names (`name;tag=value;…`, as Prometheus remote_write stores
 * them), in the request shapes Grafana 10/11's tag editor and tag variables send: GET with `expr`
 * repeated, and form POSTs.
 */
const TAGGED = [
  'up;instance=a:9100;job=kale',
  'up;env=staging;instance=b:9100;job=kale',
  'up;env=prod-eu;instance=x;job=kale',
  'up;env=prod-us;instance=c:9100;job=node',
  'http_requests_total;code=200;job=kale',
];

/** Names with a `;` that graphite-web would not parse as tagged: plain paths, in no tag answer. */
const NOT_TAGGED = ['semi;colon', 'semi;=x', ';up=1'];

describe('Graphite tags as Grafana calls them', () => {
  let w: TestWebapp;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ w, close } = await startGraphiteKale());
    await w.store.append(
      [...TAGGED, ...NOT_TAGGED].map((name, i) => ({ name, points: daySeries(NOW, 20 + i, false) })),
    );
  });
  afterAll(async () => close());

  const get = async (path: string) => {
    const res = await fetch(w.url + path, { signal: AbortSignal.timeout(10_000) });
    return { status: res.status, body: await res.json() };
  };
  /** Grafana's backendSrv sends an array parameter as the key repeated. */
  const qs = (params: Array<[string, string]>) => new URLSearchParams(params).toString();
  /** Grafana 10/11's /render: a form POST with unix seconds, format=json and maxDataPoints. */
  const render = (target: string, from = NOW - 3600) => renderTarget(w.url, target, from);
  /** The metric through Kale's own API, by timestamp. */
  const stored = async (metric: string) => {
    const res = await fetch(`${w.url}/api/series?metric=${encodeURIComponent(metric)}`);
    return new Map((await res.json()).points as Array<[number, number]>);
  };

  it("renders seriesByTag with graphite-web's semantics: every tag in the JSON, values as stored", async () => {
    const { status, body } = await render(
      "seriesByTag('name=up', 'job=~kal.*', 'instance!=x', 'env!=~prod.*')",
    );
    expect(status).toBe(200);
    // instance!=x drops the prod-eu series; env!=~prod.* keeps the one without env; job=~kal.* is anchored, so node is out.
    expect(body.map((s) => s.target)).toEqual([
      'up;env=staging;instance=b:9100;job=kale',
      'up;instance=a:9100;job=kale',
    ]);
    expect(body[0].tags).toEqual({ name: 'up', env: 'staging', instance: 'b:9100', job: 'kale' });
    expect(body[1].tags).toEqual({ name: 'up', instance: 'a:9100', job: 'kale' });
    for (const s of body) {
      const kale = await stored(s.target);
      expect(s.datapoints.length).toBe(60);
      for (const [v, ts] of s.datapoints) expect(v).toBe(kale.get(ts) ?? null);
      expect(s.datapoints.filter(([v]) => v !== null).length).toBeGreaterThanOrEqual(59);
    }
    const plain = await render('semi;*');
    expect(plain.body.map((s) => s.tags)).toEqual([{ name: 'semi;=x' }, { name: 'semi;colon' }]);
    // A glob over tagged names carries the same tags.
    const glob = await render('http_requests_total;*');
    expect(glob.body).toMatchObject([
      {
        target: 'http_requests_total;code=200;job=kale',
        tags: { name: 'http_requests_total', code: '200', job: 'kale' },
      },
    ]);
  });

  it('matches absent tags as empty, regexes anchored at the start only, and names by their name part', async () => {
    const targets = async (target: string) => (await render(target)).body.map((s) => s.target);
    expect(await targets("seriesByTag('name=up','env=')")).toEqual(['up;instance=a:9100;job=kale']);
    expect(await targets("seriesByTag('env=~prod')")).toEqual([
      'up;env=prod-eu;instance=x;job=kale',
      'up;env=prod-us;instance=c:9100;job=node',
    ]);
    expect(await targets("seriesByTag('env=~eu')")).toEqual([]);
    expect(await targets("seriesByTag('job=kale','name!=up')")).toEqual([
      'http_requests_total;code=200;job=kale',
    ]);
    expect(await targets("seriesByTag('name=~(up|http_.*)', 'job!=~kale$')")).toEqual([
      'up;env=prod-us;instance=c:9100;job=node',
    ]);
    // Plain dotted names are not in the tag database.
    expect(await targets("seriesByTag('name=~web.*')")).toEqual([]);
  });

  it('feeds seriesByTag to other functions: sumSeries equals the sum of the stored values, aliasByTags names', async () => {
    const expr = "seriesByTag('name=up','job=kale','env!=~prod.*')";
    const { body } = await render(`sumSeries(${expr})`);
    expect(body).toHaveLength(1);
    expect(body[0].target).toBe(`sumSeries(seriesByTag('name=up','job=kale','env!=~prod.*'))`);
    const a = await stored('up;instance=a:9100;job=kale');
    const b = await stored('up;env=staging;instance=b:9100;job=kale');
    for (const [v, ts] of body[0].datapoints)
      if (a.has(ts) && b.has(ts)) expect(v).toBeCloseTo(a.get(ts)! + b.get(ts)!, 9);
    const aliased = await render(`aliasByTags(${expr}, 'instance', 'name')`);
    expect(aliased.body.map((s) => s.target)).toEqual(['b:9100.up', 'a:9100.up']);
    const byNode = await render(`aliasByNode(seriesByTag('name=http_requests_total'), 0, 'code')`);
    expect(byNode.body.map((s) => s.target)).toEqual(['http_requests_total.200']);
    // A plain name's tags are just its name: an object's inherited keys are no tags.
    const inherited = await render(`aliasByTags(web.host1.requests, 'constructor', 1)`);
    expect(inherited.body.map((s) => s.target)).toEqual(['.host1']);
  });

  it("answers the tag editor's autoComplete for tags: sorted, prefixed, limited, narrowed by the other expressions", async () => {
    expect(await get('/tags/autoComplete/tags')).toEqual({
      status: 200,
      body: ['code', 'env', 'instance', 'job', 'name'],
    });
    expect((await get(`/tags/autoComplete/tags?${qs([['tagPrefix', 'in']])}`)).body).toEqual(['instance']);
    expect((await get(`/tags/autoComplete/tags?${qs([['limit', '2']])}`)).body).toEqual(['code', 'env']);
    // The tags of the series the other expressions match, without the tags they already name.
    expect(
      (
        await get(
          `/tags/autoComplete/tags?${qs([
            ['expr', 'name=up'],
            ['expr', 'job=kale'],
            ['from', '-6h'],
            ['until', 'now'],
          ])}`,
        )
      ).body,
    ).toEqual(['env', 'instance']);
    const posted = await postForm(`${w.url}/tags/autoComplete/tags`, [['expr', 'name=http_requests_total']]);
    expect(await posted.json()).toEqual(['code', 'job']);
  });

  it("answers autoComplete for values and Grafana's tag_values() variable (limit=10000)", async () => {
    expect((await get(`/tags/autoComplete/values?${qs([['tag', 'job']])}`)).body).toEqual(['kale', 'node']);
    expect((await get(`/tags/autoComplete/values?${qs([['tag', 'name']])}`)).body).toEqual([
      'http_requests_total',
      'up',
    ]);
    expect(
      (
        await get(
          `/tags/autoComplete/values?${qs([
            ['tag', 'instance'],
            ['expr', 'job=kale'],
            ['valuePrefix', 'b'],
          ])}`,
        )
      ).body,
    ).toEqual(['b:9100']);
    expect(
      (
        await get(
          `/tags/autoComplete/values?${qs([
            ['tag', 'env'],
            ['expr', 'name=up'],
            ['limit', '10000'],
          ])}`,
        )
      ).body,
    ).toEqual(['prod-eu', 'prod-us', 'staging']);
    expect(
      (
        await get(
          `/tags/autoComplete/values?${qs([
            ['tag', 'env'],
            ['limit', '1'],
          ])}`,
        )
      ).body,
    ).toEqual(['prod-eu']);
    expect((await get(`/tags/autoComplete/values?${qs([['tag', 'nope']])}`)).body).toEqual([]);
  });

  it('lists tags, a tag with its values and counts, and finds series', async () => {
    expect((await get('/tags')).body).toEqual(
      ['code', 'env', 'instance', 'job', 'name'].map((tag) => ({ tag })),
    );
    expect((await get('/tags?filter=i')).body).toEqual([{ tag: 'instance' }]);
    expect((await get('/tags/job')).body).toEqual({
      tag: 'job',
      values: [
        { count: 4, value: 'kale' },
        { count: 1, value: 'node' },
      ],
    });
    expect((await get('/tags/env?filter=prod')).body.values.map((v: { value: string }) => v.value)).toEqual([
      'prod-eu',
      'prod-us',
    ]);
    expect((await get('/tags/nope')).body).toBeNull();
    expect((await get(`/tags/findSeries?${qs([['expr', 'job=node']])}`)).body).toEqual([
      'up;env=prod-us;instance=c:9100;job=node',
    ]);
  });

  it("lists seriesByTag and aliasByTags in /functions as graphite-web does, so Grafana's editor offers them", async () => {
    const fns = (await get('/functions')).body;
    expect(fns.seriesByTag).toMatchObject({
      name: 'seriesByTag',
      group: 'Special',
      params: [{ name: 'tagExpressions', type: 'string', required: true, multiple: true }],
    });
    expect(fns.aliasByTags.params).toEqual([
      { name: 'seriesList', type: 'seriesList', required: true },
      { name: 'tags', type: 'nodeOrTag', required: true, multiple: true },
    ]);
  });

  it('refuses bad expressions with a 400 naming the problem', async () => {
    const bad = async (target: string) => (await render(target)).body.error;
    expect(await bad("seriesByTag('up')")).toBe(
      'seriesByTag: "up" is not a tag expression: expected tag=value, tag!=value, tag=~regex or tag!=~regex',
    );
    expect(await bad("seriesByTag('job=~(kale')")).toMatch(
      /^seriesByTag: job=~\(kale: invalid regular expression/,
    );
    expect(await bad("seriesByTag('env=', 'job!=kale')")).toMatch(
      /^seriesByTag: at least one tag expression must need a non-empty value/,
    );
    expect(await bad('seriesByTag()')).toBe('seriesByTag: tagExpressions is required');
    expect(await bad('seriesByTag(1)')).toMatch(/^seriesByTag: tagExpressions must be a quoted string/);
    // A back-reference cannot run in linear time: refused, never run.
    expect(await bad("seriesByTag('name=~(u)\\1')")).toMatch(/Cannot be executed in linear time/);
    const res = await get(
      `/tags/autoComplete/values?${qs([
        ['tag', 'env'],
        ['expr', 'job'],
      ])}`,
    );
    expect(res).toEqual({
      status: 400,
      body: {
        error:
          'expr: "job" is not a tag expression: expected tag=value, tag!=value, tag=~regex or tag!=~regex',
      },
    });
    expect(await get('/tags/autoComplete/values')).toEqual({
      status: 400,
      body: { error: 'tag is required' },
    });
    expect((await get('/tags/findSeries')).body).toEqual({ error: 'expr is required' });
    expect((await get('/tags?filter=(')).status).toBe(400);
    expect((await get('/tags/autoComplete/tags?limit=0')).status).toBe(400);
  });

  it('answers any expression with a 200 or a 400 naming it, never a 500', async () => {
    const expr = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc
        .tuple(
          fc.constantFrom('name', 'job', 'env', 'instance', '', '~', ';', '__proto__', 'constructor'),
          fc.constantFrom('=', '!=', '=~', '!=~', '==', '~', ''),
          fc.oneof(
            fc.constantFrom(
              '',
              'up',
              'kal.*',
              '(',
              ')',
              '[a-',
              '\\',
              '(a+)+$',
              '(?<n>a)\\k<n>',
              'a{99999}',
              '.*;x',
              '$',
            ),
            fc.string({ maxLength: 12 }),
          ),
        )
        .map(([t, op, v]) => `${t}${op}${v}`),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(expr, { minLength: 1, maxLength: 3 }), fc.boolean(), async (exprs, post) => {
        const params = exprs.map((e): [string, string] => ['expr', e]);
        const paths = ['/tags/findSeries', '/tags/autoComplete/tags', '/tags/autoComplete/values?tag=job'];
        for (const path of paths) {
          const res = post
            ? await postForm(w.url + path, params)
            : await fetch(`${w.url}${path}${path.includes('?') ? '&' : '?'}${qs(params)}`);
          expect([200, 400]).toContain(res.status);
          const body = await res.json();
          if (res.status === 400) expect(body.error).toMatch(/^expr[: ]/);
        }
        const rendered = await render(`seriesByTag(${exprs.map((e) => JSON.stringify(e)).join(',')})`);
        expect([200, 400]).toContain(rendered.status);
      }),
      { numRuns: 150 },
    );
  });

  it('runs a catastrophic regex in linear time: the answer comes, the server keeps serving', async () => {
    const long = `up;instance=${'a'.repeat(5000)}!;job=kale`;
    await w.store.append([{ name: long, points: daySeries(NOW, 1, false) }]);
    const res = await get(`/tags/findSeries?${qs([['expr', 'instance=~(a+)+$']])}`);
    expect(res).toEqual({ status: 200, body: [] });
    expect((await fetch(`${w.url}/version`)).status).toBe(200);
  });
});
