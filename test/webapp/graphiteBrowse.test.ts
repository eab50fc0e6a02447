import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestWebapp } from './fixtures.js';
import { EPISODE, EPISODE_START, postForm, startGraphiteKale } from './graphiteData.js';

describe('Graphite browsing, events and probes as Grafana calls them', () => {
  let w: TestWebapp;
  let close: () => Promise<void>;
  beforeAll(async () => ({ w, close } = await startGraphiteKale()));
  afterAll(async () => close());
  const get = async (path: string) => {
    const res = await fetch(w.url + path);
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      body: res.headers.get('content-type')?.startsWith('application/json')
        ? await res.json()
        : await res.text(),
    };
  };

  it("browses the tree: Grafana 10's GET /metrics/find and Grafana 11's form POST", async () => {
    const top = await get('/metrics/find?query=*');
    expect(top.status).toBe(200);
    expect(top.body).toEqual(
      ['app', 'db', 'web'].map((id) => ({
        text: id,
        id,
        leaf: 0,
        expandable: 1,
        allowChildren: 1,
        context: {},
      })),
    );
    const res = await postForm(`${w.url}/metrics/find?from=-6h&until=now`, [['query', 'web.host1*.*']]);
    expect(await res.json()).toEqual([
      { text: 'requests', id: 'web.host1.requests', leaf: 1, expandable: 0, allowChildren: 0, context: {} },
      { text: 'requests', id: 'web.host10.requests', leaf: 1, expandable: 0, allowChildren: 0, context: {} },
    ]);
    expect(
      (
        await get('/metrics/find?query=web.host[0-9]&format=treejson&from=1700000000&until=1700003600')
      ).body.map((n: { id: string }) => n.id),
    ).toEqual(['web.host1', 'web.host2']);
    expect((await get('/metrics/find?query=web.{host2,nope}.*&format=completer')).body).toEqual({
      metrics: [{ path: 'web.host2.requests', name: 'requests', is_leaf: '1' }],
    });
    expect((await get('/metrics/find?query=db.*&wildcards=1')).body.map((n: { id: string }) => n.id)).toEqual(
      ['db.*', 'db.primary'],
    );
    expect((await get('/metrics/find?query=nothing.*')).body).toEqual([]);
    expect(await get('/metrics/find')).toMatchObject({ status: 400, body: { error: 'query is required' } });
    expect(await get('/metrics/find?query=*&format=pickle')).toMatchObject({
      status: 400,
      body: { error: 'format: expected one of treejson, completer, got "pickle"' },
    });
  });

  it('expands globs to paths, leaves only or grouped by query', async () => {
    expect((await get('/metrics/expand?query=web.host1*')).body).toEqual({
      results: ['web.host1', 'web.host10'],
    });
    expect((await get('/metrics/expand?query=*.*.requests&query=db.*&leavesOnly=1')).body).toEqual({
      results: ['web.host1.requests', 'web.host10.requests', 'web.host2.requests'],
    });
    expect((await get('/metrics/expand?query=db.*&query=app.*.total&groupByExpr=1')).body).toEqual({
      results: { 'db.*': ['db.primary'], 'app.*.total': ['app.counter.total'] },
    });
    expect((await get('/metrics/expand')).status).toBe(400);
  });

  it('returns anomaly episodes as Graphite events for an annotation on tag kale, optionally a metric glob', async () => {
    const all = await get('/events/get_data?from=-1d&until=now&tags=kale');
    expect(all.status).toBe(200);
    expect(all.body).toEqual([
      {
        when: EPISODE_START,
        what: 'web.host1.requests anomalous',
        tags: ['kale', 'anomaly', 'web.host1.requests'],
        data: expect.stringMatching(/^score 0\.90 at value 600; 3 points from /),
        id: expect.any(Number),
      },
    ]);
    expect(all.body[0].data).toContain(`episode ${EPISODE[0].episode}`);
    // The same episode as Kale's own API lists it: its first point, its top score.
    const episode = (await get(`/api/anomalies/history?episode=${encodeURIComponent(EPISODE[0].episode)}`))
      .body.anomalies as Array<{ timestamp: number; score: number }>;
    expect(all.body[0].when).toBe(Math.min(...episode.map((r) => r.timestamp)));
    expect(all.body[0].data).toContain(`score ${Math.max(...episode.map((r) => r.score)).toFixed(2)} `);
    // Grafana's annotation editor sends its tags space-separated, unencoded: `+` or `%20` on the wire.
    expect((await get('/events/get_data?from=-1d&until=now&tags=kale+web.*.requests')).body).toHaveLength(1);
    expect((await get('/events/get_data?from=-1d&until=now&tags=kale%20db.*')).body).toEqual([]);
    expect((await get('/events/get_data?from=-1d&until=now&tags=deploy')).body).toEqual([]);
    expect(
      (await get('/events/get_data?from=-1d&until=now&tags=deploy,kale&set_operation=union')).body,
    ).toHaveLength(1);
    expect((await get('/events/get_data?from=-1d&until=now')).body).toHaveLength(1);
    expect(
      (await get(`/events/get_data?from=${EPISODE_START + 100}&until=now&tags=kale`)).body,
    ).toMatchObject([{ when: EPISODE_START + 120 }]);
    expect((await get(`/events/get_data?from=-1d&until=${EPISODE_START - 1}`)).body).toEqual([]);
    expect((await get('/events/get_data?from=later&until=now')).status).toBe(400);
    // The same episode keeps its id from one request to the next.
    expect((await get('/events/get_data?from=-2d&until=now&tags=kale')).body[0].id).toBe(all.body[0].id);
  });

  it('answers the probes: /version like graphite-web 1.1, /functions in its shape, empty tag lists', async () => {
    expect(await get('/version')).toEqual({
      status: 200,
      type: expect.stringMatching(/^text\/plain/),
      body: '1.1.10',
    });
    const { body: fns } = await get('/functions');
    for (const name of [
      'alias',
      'aliasByNode',
      'sumSeries',
      'averageSeries',
      'maxSeries',
      'minSeries',
      'scale',
      'summarize',
      'movingAverage',
      'perSecond',
      'nonNegativeDerivative',
      'anomalies',
    ]) {
      expect(fns[name], name).toMatchObject({
        name,
        module: 'kale.graphite',
        group: expect.any(String),
        description: expect.any(String),
        function: expect.stringMatching(new RegExp(`^${name}\\(`)),
      });
      // Grafana's function editor drops a first seriesList parameter and reads the rest by type.
      expect(fns[name].params[0]).toMatchObject({ type: 'seriesList', required: true });
    }
    expect(fns.summarize.params).toEqual([
      { name: 'seriesList', type: 'seriesList', required: true },
      { name: 'intervalString', type: 'interval', required: true },
      {
        name: 'func',
        type: 'aggFunc',
        required: false,
        default: 'sum',
        options: expect.arrayContaining(['sum', 'avg', 'max']),
      },
      { name: 'alignToFrom', type: 'boolean', required: false, default: false },
    ]);
    expect(fns.aliasByNode.params[1]).toEqual({
      name: 'nodes',
      type: 'nodeOrTag',
      required: true,
      multiple: true,
    });
    expect(fns.sumSeries.params[0]).toMatchObject({ multiple: true });
    expect((await get('/tags/autoComplete/tags?expr=name%3Dweb&limit=100')).body).toEqual([]);
    expect((await get('/tags/autoComplete/values?tag=name&expr=name%3Dweb.host1')).body).toEqual([]);
  });

  it("passes Grafana's health check: constantLine(100) over the last hour", async () => {
    const now = Math.floor(Date.now() / 1000);
    const res = await postForm(`${w.url}/render`, [
      ['target', 'constantLine(100)'],
      ['from', String(now - 3600)],
      ['until', String(now)],
      ['format', 'json'],
      ['maxDataPoints', '100'],
    ]);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([
      {
        target: '100',
        tags: { name: '100' },
        datapoints: [
          [100, now - 3600],
          [100, now - 1800],
          [100, now],
        ],
      },
    ]);
  });
});

describe('the sample dashboard (docs/grafana-dashboard.json)', () => {
  let w: TestWebapp;
  let close: () => Promise<void>;
  beforeAll(async () => ({ w, close } = await startGraphiteKale()));
  afterAll(async () => close());

  it("renders every panel's targets and its anomaly annotation, with $glob as a user would set it", async () => {
    const dashboard = JSON.parse(
      fs.readFileSync(new URL('../../docs/grafana-dashboard.json', import.meta.url), 'utf8'),
    ) as {
      panels: Array<{ title: string; targets: Array<{ target: string }> }>;
      annotations: { list: Array<{ name: string; target?: { tags: string[] } }> };
    };
    const answered: Record<string, number> = {};
    for (const panel of dashboard.panels) {
      for (const { target } of panel.targets) {
        const res = await postForm(`${w.url}/render`, [
          ['target', target.replaceAll('$glob', 'web.*.requests')],
          ['from', '-6h'],
          ['until', 'now'],
          ['format', 'json'],
          ['maxDataPoints', '800'],
        ]);
        expect(res.status, `${panel.title}: ${target}`).toBe(200);
        answered[target] = ((await res.json()) as unknown[]).length;
      }
    }
    expect(answered['aliasByNode($glob, -2, -1)']).toBe(3);
    expect(answered['aliasByNode(anomalies($glob), -2, -1)']).toBe(3);
    expect(answered["alias(sumSeries($glob), 'sum')"]).toBe(1);
    const kale = dashboard.annotations.list.find((a) => a.name === 'Kale anomalies')!;
    const events = await (
      await fetch(`${w.url}/events/get_data?from=-6h&until=now&tags=${kale.target!.tags.join('+')}`)
    ).json();
    expect(events).toHaveLength(1);
  });
});

describe('Graphite API behind a token', () => {
  let w: TestWebapp;
  let close: () => Promise<void>;
  const token = 'graphite-test-token-0123456789';
  beforeAll(async () => ({ w, close } = await startGraphiteKale({ webapp: { token } })));
  afterAll(async () => close());

  it('needs the token like every other route', async () => {
    for (const path of [
      '/render?target=web.*.requests&from=-1h',
      '/metrics/find?query=*',
      '/events/get_data?tags=kale',
      '/functions',
      '/version',
    ]) {
      expect((await fetch(w.url + path)).status, path).toBe(401);
      expect(
        (await fetch(w.url + path, { headers: { authorization: `Bearer ${token}` } })).status,
        path,
      ).toBe(200);
    }
  });
});
