import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { AnomalyRecord } from '../../core/store/store.js';
import { configSchema, type TorusSchemaConfig } from '../../core/config/schema.js';
import { EmbeddedStore } from '../../core/store/embeddedStore.js';
import { openSender } from '../../utils/senders/openSender.js';
import { XSS_NAME, daySeries, importShapes, seedStore, seedTorus } from './fixtures.js';

/** What the end-to-end tests start: a `kale start` over a seeded data directory, driven through Chromium. */
export const SPIKED = [XSS_NAME, 'web.checkout.latency', 'web.search.errors'];
export const NAMES = [...SPIKED, ...Array.from({ length: 40 }, (_, i) => `app.host${i % 5}.requests.r${i}`)];

/**
 * A data directory holding a quiet day of metrics and their shapes (no anomaly yet). With `schemas`,
 * also torus rollups of web.checkout.latency and a config naming the schemas; without, Kale runs on
 * its default configuration.
 */
export async function seededDataDir(schemas?: TorusSchemaConfig[]): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-e2e-'));
  const store = EmbeddedStore.open(dir);
  const now = Math.floor(Date.now() / 1000);
  await seedStore(store, NAMES, 0, now);
  await store.recordAnomalies(pastEpisode(now), 30 * 86400);
  if (schemas) await seedTorus(store, schemas, 'web.checkout.latency', daySeries(now, 1, false), now);
  await importShapes(configSchema.parse({ dataDir: dir }), store);
  await store.close();
  if (schemas) fs.writeFileSync(path.join(dir, 'kale.config.json'), JSON.stringify({ horizon: { schemas } }));
  return dir;
}

/** The metric of a past incident in the history: it paged at its first row, and two rows continued it. */
export const PAST_EPISODE_METRIC = NAMES[3];

/** That incident's records, as the calibrated analyzer writes them (`flagged: false` on the rows that continue it). */
function pastEpisode(now: number): AnomalyRecord[] {
  const start = Math.floor(now / 60) * 60 - 7200;
  return [0, 60, 120].map((offset, i) => ({
    metric: PAST_EPISODE_METRIC,
    timestamp: start + offset,
    value: 700 - 100 * i,
    preset: 'default',
    votes: {},
    score: i ? 0 : 0.8,
    episode: `${PAST_EPISODE_METRIC}@${start}`,
    detectedAt: start + offset + 5,
    flagged: i === 0,
  }));
}

/**
 * `kale start` on ephemeral ports with a 2 s analyzer cycle, on the default (calibrated) preset: the
 * seeded day is each metric's own history, which the analyzer's warm-up learns from in its first
 * cycle, so a spike of ten times the day's level sent afterwards is flagged on sight.
 */
export const startArgs = (dir: string, extra: string[] = []) => [
  'start',
  '--data-dir',
  dir,
  ...(fs.existsSync(path.join(dir, 'kale.config.json'))
    ? ['--config', path.join(dir, 'kale.config.json')]
    : []),
  '--pickle-port',
  '0',
  '--udp-port',
  'off',
  '--line-port',
  'off',
  '--webapp-port',
  '0',
  '--interval',
  '2',
  ...extra,
];

/**
 * Sends one point per metric, now, to horizon as a real client would (carbon-relay's pickle, plaintext):
 * by default 1000, a spike ten times the seeded day's level.
 */
export async function sendPoints(proto: 'pickle' | 'line', port: number, names: string[], value = 1000) {
  const sender = await openSender(proto, '127.0.0.1', port);
  await sender.send(names.map((name) => ({ name, ts: Math.floor(Date.now() / 1000), value })));
  await sender.close();
}

/** Asks a JSON route every 200 ms until `done` holds of its answer; fails after 60 s, saying what did not happen. */
async function pollJson<T>(url: string, done: (body: T) => boolean, failure: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (done((await (await fetch(url)).json()) as T)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${failure} within 60 s`);
}

/** Waits until the analyzer lists every one of `names` as anomalous. */
export function flagged(webapp: string, names: string[]): Promise<void> {
  return pollJson<{ anomalies: Array<{ metric: string }> }>(
    `${webapp}/api/anomalies`,
    ({ anomalies }) => names.every((n) => anomalies.some((a) => a.metric === n)),
    `the analyzer did not flag ${names.join(', ')}`,
  );
}

/** Waits until the analyzer's first cycle has run (it starts a few seconds after Kale, to let ingest warm up). */
export function firstCycleDone(webapp: string): Promise<void> {
  return pollJson<{ analyzer: { lastCycle: unknown } }>(
    `${webapp}/api/status`,
    ({ analyzer }) => analyzer.lastCycle !== null,
    'the analyzer ran no cycle',
  );
}

/**
 * A page that records every console error, uncaught exception, failed request and 5xx answer in
 * `problems`, so a test can end with `expect(problems).toEqual([])`.
 */
export async function watchedPage(
  browser: Browser,
  viewport = { width: 1400, height: 850 },
): Promise<{ page: Page; problems: string[] }> {
  // A context of its own (not browser.newPage's), which axe-core needs to scan the page; closing the
  // browser closes it, or `page.context().close()` when done with the page.
  const page = await (await browser.newContext({ viewport })).newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    // The tests' own pixel probes (getImageData) draw this hint from Chromium; the page reads no pixels.
    if (m.text().startsWith('Canvas2D: Multiple readback operations')) return;
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  // A reload or a new address cancels the requests in flight (ERR_ABORTED): that is not a failure.
  page.on('requestfailed', (r) => {
    if (r.failure()?.errorText !== 'net::ERR_ABORTED')
      problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 500) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  return { page, problems };
}
