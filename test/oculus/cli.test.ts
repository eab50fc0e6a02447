import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../core/store/embeddedStore.js';
import { freePort } from '../../utils/redisServer.js';
import { kale, KALE_BIN } from '../support/kaleCli.js';
import { metricBatches } from './fixtures.js';

/** CBF and ECG200 from the UCR archive (2018), kept in the repository so the check runs in every clone. */
const UCR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'ucr');

describe('kale oculus and kale similar (embedded)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-oculus-cli-'));
  const batches = metricBatches(60);
  const name = batches[0].name;

  beforeAll(async () => {
    const store = EmbeddedStore.open(dir);
    await store.append(batches);
    await store.close();
  });

  it('kale oculus --once imports every metric and prints a summary', () => {
    const r = kale(['oculus', '--once', '--json', '--data-dir', dir, '--log-level', 'warn']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.windows[0]).toMatchObject({ window: '1h', metrics: 60, indexed: 60, flat: 2 });
    expect(fs.existsSync(path.join(dir, 'oculus', 'shapes-1h.bin'))).toBe(true);
  });

  it('kale similar NAME --json: k matches with the chosen scorer', () => {
    const r = kale(['similar', name, '--json', '--k', '3', '--scorer', 'dtw', '--data-dir', dir]);
    expect(r.status).toBe(0);
    const res = JSON.parse(r.stdout);
    expect(res.matches).toHaveLength(3);
    expect(res.options).toMatchObject({ scorer: 'dtw', k: 3, window: '1h' });
    expect(res.matches.map((m: { name: string }) => m.name)).not.toContain(name);
  });

  it('kale similar NAME prints a ranked table; exclusions apply', () => {
    const r = kale(['similar', `metrics.${name}`, '--k', '5', '--exclude', 'staging', '--data-dir', dir]);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/#\s+distance\s+name/);
    expect(lines).toHaveLength(6);
    expect(r.stdout).not.toContain('.staging.');
  });

  it('unknown metrics and bad flags exit 2 with one line', () => {
    const unknown = kale(['similar', 'no.such.metric', '--data-dir', dir]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toBe('kale: unknown metric "no.such.metric"\n');
    const bad = kale(['similar', name, '--scorer', 'cosine', '--data-dir', dir]);
    expect(bad.status).toBe(2);
    const badK = kale(['similar', name, '--k', '0', '--data-dir', dir]);
    expect(badK.status).toBe(2);
    expect(badK.stderr).toContain('k: expected an integer from 1 to 500');
  });

  it('with Elasticsearch unreachable, exits 1 with one clear line', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const r = kale(['similar', name, '--elasticsearch', url, '--data-dir', dir]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`Elasticsearch at ${url} is unreachable`);
  });
});

describe('kale bench oculus --ucr reproduces the published UCR 1-NN error rates', () => {
  const bench = (args: string[]) => {
    const r = spawnSync(process.execPath, [KALE_BIN, 'bench', 'oculus', '--json', ...args], {
      encoding: 'utf8',
      timeout: 240_000,
    });
    expect(r.status).toBe(0);
    return JSON.parse(r.stdout);
  };

  it('ECG200: ED 0.1200, DTW 0.2300, learned window 0 % → 0.1200', () => {
    expect(bench(['--ucr', path.join(UCR, 'ECG200')])).toEqual({
      euclidean: 0.12,
      dtw: 0.23,
      cdtw: 0.12,
      window: 0,
    });
  }, 240_000);

  it('CBF: ED 0.1478, DTW 0.0033, learned window 11 % (r = ceil(0.11 · 128) = 15) → 0.0044', () => {
    expect(bench(['--ucr', path.join(UCR, 'CBF')])).toEqual({
      euclidean: 0.1478,
      dtw: 0.0033,
      cdtw: 0.0044,
      window: 11,
    });
  }, 240_000);

  it('--window overrides the learned window', () => {
    expect(bench(['--ucr', path.join(UCR, 'ECG200'), '--window', '100'])).toMatchObject({
      cdtw: 0.23,
      window: 100,
    });
  }, 240_000);
});

describe('kale bench oculus --metrics', () => {
  it('finds the exact top 20 with both scorers, reports memory per shape and FastDTW against exact DTW', () => {
    const r = spawnSync(
      process.execPath,
      [KALE_BIN, 'bench', 'oculus', '--json', '--metrics', '3000', '--queries', '4', '--no-es'],
      { encoding: 'utf8', timeout: 240_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.embedded).toMatchObject({ euclidean_recall_at_20: 1, dtw_recall_at_20: 1 });
    // One 1 h shape, PAA-32, after a DTW search: z, PAA and stats, the flat flag, and the row
    // envelopes (upper and lower, of z and of PAA), all float32 but the stats.
    const bytes = 60 * 4 + 32 * 4 + 6 * 8 + 1 + 2 * 60 * 4 + 2 * 32 * 4;
    expect(out.embedded.bytes_per_shape).toBe(bytes);
    expect(out.embedded.rss_mb).toBeGreaterThan(0);
    const { fastdtw } = out;
    expect(fastdtw).toMatchObject({ rows: 3000, queries: 4, k: 20, band_pct: 10 });
    for (const r of ['r1', 'r10', 'r30'])
      for (const exact of ['vs_cdtw', 'vs_full_dtw']) {
        expect(fastdtw.fastdtw[r][exact].recall_at_k).toBeGreaterThan(0);
        expect(fastdtw.fastdtw[r][exact].recall_at_k).toBeLessThanOrEqual(1);
      }
  }, 240_000);

  it('a bad count exits 2 naming the flag', () => {
    const r = spawnSync(
      process.execPath,
      [KALE_BIN, 'bench', 'oculus', '--metrics', '10', '--fastdtw-rows', '-1'],
      {
        encoding: 'utf8',
      },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--fastdtw-rows: expected an integer >= 0, got "-1"');
  });
});
