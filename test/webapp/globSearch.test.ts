import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_GLOB_LENGTH, filterYielding, globMatcher } from '../../core/glob.js';
import { RedisStore } from '../../core/store/redisStore.js';
import { kale, startKale, type RunningKale } from '../support/kaleCli.js';
import { freshRedisDb, redisUrl } from '../support/redis.js';

/** The backtracking reference a `*` glob used to be compiled to; fine on the tiny inputs below. */
const reference = (glob: string, name: string) =>
  new RegExp(
    `^${glob
      .split('*')
      .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  ).test(name);

describe('globMatcher', () => {
  it('agrees with an anchored regular expression on every short glob and name over a two-letter alphabet', () => {
    const words = (alphabet: string, maxLen: number): string[] => {
      const out = [''];
      for (let i = 0; i < out.length; i++)
        if (out[i].length < maxLen) for (const c of alphabet) out.push(out[i] + c);
      return out;
    };
    const names = words('ab', 5);
    for (const glob of words('ab*', 4)) {
      const matches = globMatcher(glob);
      for (const name of names) expect(matches(name), `${glob} ~ ${name}`).toBe(reference(glob, name));
    }
  });

  it('filters a long list of names with turns of the event loop in between, so listeners keep being served', async () => {
    const names = Array.from({ length: 25_000 }, (_, i) => `host${i}.cpu`);
    let turns = 0;
    const tick = () => {
      turns++;
      if (!done) setImmediate(tick);
    };
    let done = false;
    setImmediate(tick);
    const found = await filterYielding(names, globMatcher('host1*9.cpu'));
    done = true;
    expect(found).toEqual(names.filter((n) => /^host1.*9\.cpu$/.test(n)));
    expect(turns).toBeGreaterThan(0);
  });

  it('takes regex characters literally and folds case only when asked', () => {
    expect(globMatcher('a.b*(x)')('a.b-(x)')).toBe(true);
    expect(globMatcher('a.b*')('axb')).toBe(false);
    expect(globMatcher('WEB.*')('web.requests')).toBe(false);
    expect(globMatcher('WEB.*', { ignoreCase: true })('web.requests')).toBe(true);
  });
});

/** The pathological glob against a long name, on a real `kale start`: answered, and ingest kept going. */
describe.runIf(redisUrl)('metric search with a pathological glob', () => {
  const LONG = 'a'.repeat(500);
  let url: string;
  let k: RunningKale;
  let store: RedisStore;
  const sendLine = (line: string) =>
    new Promise<void>((resolve, reject) => {
      const s = net.connect(Number(k.ready.line), '127.0.0.1', () => s.end(line));
      s.on('close', () => resolve()).on('error', reject);
    });
  const waitForMetric = async (name: string) => {
    for (let i = 0; i < 200; i++) {
      if ((await store.listMetrics()).includes(name)) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return false;
  };

  beforeAll(async () => {
    url = await freshRedisDb();
    k = await startKale([
      'start',
      '--redis',
      url,
      '--pickle-port',
      'off',
      '--udp-port',
      'off',
      '--line-port',
      '0',
      '--webapp-port',
      '0',
    ]);
    store = RedisStore.connect(url);
  });
  afterAll(async () => {
    await k?.stop();
    await store?.close();
  });

  it('answers `*a*a*…*!` over a 500-character name, and a point sent meanwhile is stored', async () => {
    const now = Math.floor(Date.now() / 1000);
    await sendLine(`${LONG} 1 ${now}\n`);
    expect(await waitForMetric(LONG)).toBe(true);
    const q = encodeURIComponent(`${'*a'.repeat(12)}*!`);
    const answer = fetch(`${k.ready.webapp}/api/metrics?q=${q}`);
    const during = sendLine(`during.search 7 ${now}\n`);
    const r = await answer;
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ total: 0, metrics: [] });
    await during;
    expect(await waitForMetric('during.search')).toBe(true);
    const hit = await (await fetch(`${k.ready.webapp}/api/metrics?q=${encodeURIComponent('*A*a')}`)).json();
    expect(hit.metrics).toContain(LONG);
  });

  it('refuses a glob over the length limit with a message naming the limit', async () => {
    const r = await fetch(`${k.ready.webapp}/api/metrics?q=${'*'.repeat(MAX_GLOB_LENGTH + 1)}`);
    expect(r.status).toBe(400);
    expect((await r.json()).error).toContain(`longer than ${MAX_GLOB_LENGTH} characters`);
    const cli = kale(['metrics', 'x'.repeat(MAX_GLOB_LENGTH + 1), '--redis', url]);
    expect(cli.status).toBe(2);
    expect(cli.stderr).toContain(`the limit is ${MAX_GLOB_LENGTH}`);
    expect(kale(['metrics', `${'*a'.repeat(12)}*`, '--redis', url]).stdout).toContain(LONG);
  });
});
