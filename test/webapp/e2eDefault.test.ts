import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKale, type RunningKale } from '../support/kaleCli.js';
import { seriousViolations } from './axe.js';
import { launchChromium, pixelsOfColour, screenshot } from './browser.js';
import {
  PAST_EPISODE_METRIC,
  SPIKED,
  firstCycleDone,
  flagged,
  seededDataDir,
  sendPoints,
  startArgs,
  watchedPage,
} from './kale.js';

const ANOMALY_RED: [number, number, number] = [255, 84, 104];

/**
 * The web page on Kale's default configuration: no torus schema, so every metric is a plain one. The
 * other end-to-end suite configures schemas; this one is what a new user gets.
 */
describe('webapp in Chromium on the default configuration', () => {
  let browser: Browser;
  let kale: RunningKale;
  let page: Page;
  let problems: string[];
  let base: string;

  beforeAll(async () => {
    kale = await startKale(startArgs(await seededDataDir()));
    base = String(kale.ready.webapp);
    await sendPoints('pickle', Number(kale.ready.pickle), SPIKED);
    await flagged(base, SPIKED);
    browser = await launchChromium();
    ({ page, problems } = await watchedPage(browser));
  });
  afterAll(async () => {
    await browser?.close();
    await kale?.stop();
  });

  /** The episode of a metric's current anomaly, from the API. */
  async function episodeOf(metric: string): Promise<string> {
    const { anomalies } = (await (
      await fetch(`${base}/api/anomalies?q=${encodeURIComponent(metric)}`)
    ).json()) as { anomalies: Array<{ metric: string; episode: string }> };
    return anomalies.find((a) => a.metric === metric)!.episode;
  }

  /** The header, the metric's name and its chart are on the page: the app did not unmount. */
  async function exploring(metric: string): Promise<void> {
    await page.waitForSelector('[data-testid=explore-chart] canvas');
    expect(await page.locator('header nav a.on').textContent()).toBe('Explore');
    expect(await page.textContent('[data-testid=explore-detail] h2')).toBe(metric);
    await page.waitForSelector('.torus >> text=No torus schema stores this metric');
  }

  it('explores a metric picked from the list', async () => {
    await page.goto(`${base}/#/explore`);
    await page.fill('input[aria-label="Search metrics"]', 'checkout');
    await page.locator('[data-testid=metric-list] a', { hasText: 'web.checkout.latency' }).click();
    await exploring('web.checkout.latency');
    expect(problems).toEqual([]);
  });

  it('explores a metric from a direct link', async () => {
    await page.goto(`${base}/#/explore?metric=web.search.errors`);
    await page.reload();
    await exploring('web.search.errors');
    expect(problems).toEqual([]);
  });

  it("explores a metric from the Anomalies page's Explore link", async () => {
    await page.goto(`${base}/`);
    await page.locator('[data-testid=anomaly-row]', { hasText: 'web.checkout.latency' }).click();
    await page.locator('[data-testid=anomaly-detail] a', { hasText: /^Explore$/ }).click();
    await exploring('web.checkout.latency');
    expect(problems).toEqual([]);
  });

  it("marks the metric's past anomalies on its chart, each opening that anomaly's detail", async () => {
    await page.goto(`${base}/#/explore?metric=web.checkout.latency`);
    await exploring('web.checkout.latency');
    await page.waitForSelector('[data-testid=past-anomaly]');
    await expect
      .poll(() => pixelsOfColour(page, '[data-testid=explore-chart]', ANOMALY_RED))
      .toBeGreaterThan(20);
    const when = await page.locator('[data-testid=past-anomaly]').first().textContent();
    await page.locator('[data-testid=past-anomaly]').first().click();
    await page.waitForSelector('[data-testid=anomaly-detail] [data-testid=chart-1h] canvas');
    expect(await page.textContent('[data-testid=anomaly-detail] h2')).toBe('web.checkout.latency');
    expect(await page.textContent('[data-testid=anomaly-detail] .facts')).toContain(when!);
    expect(problems).toEqual([]);
  });

  it('opens an anomaly from a click on its marker in the chart', async () => {
    await page.goto(`${base}/#/explore?metric=web.search.errors`);
    await exploring('web.search.errors');
    await expect
      .poll(() => pixelsOfColour(page, '[data-testid=explore-chart]', ANOMALY_RED))
      .toBeGreaterThan(20);
    // Where the red marker is drawn, in page coordinates.
    const at = await page.$eval('[data-testid=explore-chart] canvas', (c: HTMLCanvasElement) => {
      const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
      let x = 0,
        y = 0,
        n = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (
          Math.abs(data[i] - 255) < 30 &&
          Math.abs(data[i + 1] - 84) < 30 &&
          Math.abs(data[i + 2] - 104) < 30
        ) {
          x += (i / 4) % c.width;
          y += Math.floor(i / 4 / c.width);
          n++;
        }
      }
      const box = c.getBoundingClientRect();
      return {
        x: box.left + (x / n) * (box.width / c.width),
        y: box.top + (y / n) * (box.height / c.height),
      };
    });
    await page.mouse.move(at.x - 20, at.y);
    await page.mouse.click(at.x, at.y);
    await page.waitForSelector('[data-testid=anomaly-detail] [data-testid=chart-1h] canvas');
    expect(await page.textContent('[data-testid=anomaly-detail] h2')).toBe('web.search.errors');
    expect(new URL(page.url()).hash).toMatch(/^#\/anomalies\?metric=web\.search\.errors&at=\d+$/);
    expect(problems).toEqual([]);
  });

  it('keeps the chosen time range in the address across a reload', async () => {
    await page.goto(`${base}/#/explore?metric=web.search.errors`);
    await exploring('web.search.errors');
    await page.click('button:text-is("6h")');
    await expect.poll(() => new URL(page.url()).hash).toContain('from=-6h');
    await page.reload();
    await exploring('web.search.errors');
    expect(await page.inputValue('input[aria-label=from]')).toBe('-6h');
    expect(await page.getAttribute('button:text-is("6h")', 'class')).toBe('on');
    await page.fill('input[aria-label=from]', '3 hours ago');
    await page.reload();
    await exploring('web.search.errors');
    expect(await page.inputValue('input[aria-label=from]')).toBe('3 hours ago');
    expect(problems).toEqual([]);
  });

  it('says how each detector voted: n of m that judged, and why the others did not judge', async () => {
    await page.goto(`${base}/`);
    const row = page.locator('[data-testid=anomaly-row]', { hasText: 'web.checkout.latency' });
    expect(await row.locator('.votes').textContent()).toMatch(/^\d+ of \d+$/);
    expect(await row.locator('.m').getAttribute('title')).toBe('web.checkout.latency');
    await row.click();
    expect(await page.textContent('[data-testid=votes] .votes-summary')).toMatch(
      /^\d+ of \d+ detectors that judged voted anomalous/,
    );
    if (await page.locator('[data-testid=abstained]').count()) {
      expect(await page.textContent('[data-testid=abstained]')).toContain('no seasonal history yet');
    }
    expect(problems).toEqual([]);
  });

  it("links an anomaly's detail to its episode's history, every record of the episode listed", async () => {
    await page.goto(`${base}/`);
    await page.locator('[data-testid=anomaly-row]', { hasText: 'web.search.errors' }).click();
    await page.locator('[data-testid=episode-link]').click();
    expect(new URL(page.url()).hash).toMatch(/^#\/anomalies\?episode=web\.search\.errors%40\d+$/);
    await page.waitForSelector('[data-testid=episode-row]');
    expect(await page.textContent('[data-testid=episode-history] h2')).toBe('Episode of web.search.errors');
    const states = await page.locator('[data-testid=episode-row] td:last-child').allTextContents();
    expect(states[0]).toBe('flagged');
    expect(states.every((s) => s === 'flagged' || s === 'continues')).toBe(true);
    // Each row opens that record's detail.
    await page.locator('[data-testid=episode-row] a').first().click();
    await page.waitForSelector('[data-testid=anomaly-detail] [data-testid=chart-1h] canvas');
    expect(await page.textContent('[data-testid=anomaly-detail] h2')).toBe('web.search.errors');
    expect(problems).toEqual([]);
  });

  it('shows an incident that paged once: its first row flagged, the rows that continued it "continues"', async () => {
    const { anomalies } = (await (
      await fetch(`${base}/api/anomalies/history?metric=${PAST_EPISODE_METRIC}&from=-1d`)
    ).json()) as { anomalies: Array<{ episode: string }> };
    await page.goto(`${base}/#/anomalies?episode=${encodeURIComponent(anomalies[0].episode)}`);
    await page.waitForSelector('[data-testid=episode-row]');
    expect(await page.locator('[data-testid=episode-row] td:last-child').allTextContents()).toEqual([
      'flagged',
      'continues',
      'continues',
    ]);
    expect(await page.textContent('[data-testid=episode-history]')).toMatch(
      /3 records from .* to .*\. A flagged row paged/,
    );
    expect(problems).toEqual([]);
  });

  it("keeps the Similar page's search button on the toolbar's one line at 1400 px", async () => {
    await page.goto(`${base}/#/similar`);
    const search = (await page.locator('button[type=submit]').boundingBox())!;
    const tab = (await page.locator('button:text-is("By metric")').boundingBox())!;
    // One line of text, and on the toolbar's first row beside the tabs.
    expect(search.height).toBe(tab.height);
    expect(search.y).toBe(tab.y);
    expect(problems).toEqual([]);
  });

  it('shows Status as a dashboard: health with reasons, ingest, analyzer, shapes, backends, nothing overflowing', async () => {
    await page.goto(`${base}/#/status`);
    await page.waitForSelector(`[data-testid=overview] >> text=/${kale.ready.pickle}/`);
    for (const service of ['store', 'horizon', 'analyzer', 'oculus', 'webapp']) {
      expect(await page.textContent(`[data-testid=health-${service}]`)).toMatch(/(ok|degraded|down)\S*\s*\S/);
    }
    expect(await page.textContent('[data-testid=health-store]')).toMatch(/ok\s*embedded, ping [\d.]+ ms/);
    expect(await page.textContent('[data-testid=health-analyzer]')).toMatch(
      /ok\s*last cycle .* ago, took .* of its 2 s interval/,
    );
    expect(await page.textContent('[data-testid=analyzer]')).toMatch(/cycle time.* of 2 s/);
    // One analyzer (kale start) is not shown as a group of one.
    expect(await page.$$('[data-testid=analyzer-group]')).toEqual([]);
    expect(await page.textContent('[data-testid=overview]')).toContain(`pickle port${kale.ready.pickle}`);
    expect(await page.textContent('[data-testid=backends]')).toMatch(/store \(embedded\)[\d.]+ ms/);
    // No raw epochs, and no card whose content is wider than the card.
    expect(await page.textContent('[data-testid=status-page]')).not.toMatch(/\b1[78]\d{8}\b/);
    await page.click('text=Each service’s status document');
    await page.waitForSelector('[aria-label="oculus status document"]');
    const overflowing = await page.$$eval('.card', (cards) =>
      cards.filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => c.getAttribute('aria-label')),
    );
    expect(overflowing).toEqual([]);
    // Labels keep their words: none is squeezed to a column of single characters.
    const narrowest = await page.$$eval('.card th', (ths) =>
      Math.min(...ths.map((t) => t.getBoundingClientRect().width)),
    );
    expect(narrowest).toBeGreaterThan(40);
    await page.click('text=Each service’s status document'); // folded again for the README's picture
    await screenshot(page, 'status');
    expect(problems).toEqual([]);
  });

  it('has no serious or critical accessibility violations on any page (axe-core)', async () => {
    for (const [route, ready] of [
      ['#/anomalies', '[data-testid=chart-1h] canvas'],
      ['#/explore?metric=web.checkout.latency', '[data-testid=explore-chart] canvas'],
      ['#/similar?metric=web.checkout.latency', '[data-testid=similar-result]'],
      ['#/status', '[data-testid=health]'],
      [
        `#/anomalies?episode=${encodeURIComponent(await episodeOf('web.search.errors'))}`,
        '[data-testid=episode-row]',
      ],
    ]) {
      await page.goto(`${base}/${route}`);
      await page.waitForSelector(ready);
      expect(await seriousViolations(page), route).toEqual([]);
    }
    await page.goto(`${base}/#/similar`);
    await page.click('button:text-is("Draw a shape")');
    expect(await seriousViolations(page), 'Similar, drawing').toEqual([]);
    expect(problems).toEqual([]);
  });

  it('works by keyboard: Tab reaches the filter and the list with a visible focus, ↓ moves, Enter follows a detail link', async () => {
    await page.goto(`${base}/`);
    await page.waitForSelector('[data-testid=chart-1h] canvas');
    /** The focused element's name as a screen reader would say it, and whether a focus ring is drawn. */
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        const name =
          el.getAttribute('aria-label') ?? (el.closest('label')?.textContent || el.textContent || '').trim();
        return {
          name,
          ring:
            getComputedStyle(el).outlineStyle !== 'none' &&
            parseFloat(getComputedStyle(el).outlineWidth) >= 2,
        };
      });
    const stops: string[] = [];
    for (let i = 0; i < 10 && stops.at(-1) !== 'Anomalous metrics (↑/↓ to move)'; i++) {
      await page.keyboard.press('Tab');
      const f = await focused();
      expect(f.ring, f.name).toBe(true);
      stops.push(f.name);
    }
    expect(stops).toEqual([
      'Anomalies',
      'Explore',
      'Similar',
      'Status',
      'Filter metrics',
      'auto-refresh',
      'Anomalous metrics (↑/↓ to move)',
    ]);
    const rows = page.locator('[data-testid=anomaly-row]');
    const first = await page.textContent('[data-testid=anomaly-detail] h2');
    expect(await rows.nth(0).locator('.m').textContent()).toBe(first);
    await page.keyboard.press('ArrowDown');
    const second = await rows.nth(1).locator('.m').textContent();
    await expect.poll(() => page.textContent('[data-testid=anomaly-detail] h2')).toBe(second);
    expect(await page.getAttribute('[role=listbox]', 'aria-activedescendant')).toBe('anomaly-1');
    // On from the list into the detail's links, and Enter on "Explore" opens the selected metric.
    for (let i = 0; i < 5 && (await focused()).name !== 'Explore'; i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await exploring(second!);
    expect(problems).toEqual([]);
  });

  it("fits a phone's 390 px screen on every page, with nothing wider than the screen", async () => {
    const phone = await watchedPage(browser, { width: 390, height: 844 });
    for (const [route, ready] of [
      ['#/anomalies', '[data-testid=chart-1h] canvas'],
      ['#/explore?metric=web.checkout.latency', '[data-testid=explore-chart] canvas'],
      ['#/similar', '[data-testid=similar-page]'],
      ['#/status', '[data-testid=health]'],
    ]) {
      await phone.page.goto(`${base}/${route}`);
      await phone.page.waitForSelector(ready);
      // main scrolls on its own: neither the page nor main may be wider than the screen.
      const widths = await phone.page.evaluate(() => [
        document.documentElement.scrollWidth,
        document.querySelector('main')!.scrollWidth,
      ]);
      expect(Math.max(...widths), route).toBeLessThanOrEqual(390);
      // And nothing is squeezed into a sliver beside the list: the detail gets the screen's width.
      const detail = await (await phone.page.$('section.detail'))?.boundingBox();
      if (detail) expect(detail.width, route).toBeGreaterThan(300);
    }
    // Similar's drawing pad and its Clear button fit too.
    await phone.page.goto(`${base}/#/similar`);
    await phone.page.click('button:text-is("Draw a shape")');
    const clear = (await phone.page.locator('button:text-is("Clear")').boundingBox())!;
    expect(clear.x + clear.width).toBeLessThanOrEqual(390);
    expect(phone.problems).toEqual([]);
    await phone.page.context().close();
  });
});

describe('the first minute in Chromium', () => {
  /** Kale on an empty data dir, taking plaintext only, a cycle every ten minutes (the first 10 s after start). */
  const startFirstMinute = (dir: string, extra: string[] = []) =>
    startKale([
      'start',
      ...extra,
      '--data-dir',
      dir,
      '--pickle-port',
      'off',
      '--udp-port',
      'off',
      '--line-port',
      '0',
      '--webapp-port',
      '0',
      '--interval',
      '600',
    ]);

  it('says the first analysis is coming, not "no anomalies", while stored metrics wait for their cycle', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-e2e-first-'));
    // The first cycle ran on the empty store and the next is ten minutes away; a point arrives between.
    // Kale's own metrics come an hour later, so the first cycle (10 s after start) finds none either.
    const config = path.join(dir, 'kale.config.json');
    fs.writeFileSync(config, JSON.stringify({ horizon: { selfMetricsInterval: 3600 } }));
    const kale = await startFirstMinute(dir, ['--config', config]);
    await firstCycleDone(String(kale.ready.webapp));
    await sendPoints('line', Number(kale.ready.line), ['web.first']);
    const browser = await launchChromium();
    try {
      const { page, problems } = await watchedPage(browser);
      await page.goto(`${kale.ready.webapp}/`);
      await page.waitForSelector('[data-testid=first-analysis]');
      expect(await page.textContent('[data-testid=first-analysis]')).toMatch(
        /1 metric is stored; the analyzer has not judged it yet\. First analysis (in \d[\d a-z]*|any moment now)/,
      );
      expect(await page.locator('text=No anomalies right now').count()).toBe(0);
      await screenshot(page, 'first-analysis');
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
      await kale.stop();
    }
  });

  it("says what the last analysis looked at when it flagged nothing, Kale's own series included", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-e2e-quiet-'));
    const kale = await startFirstMinute(dir);
    // Sent before the first cycle (10 s after start), so that cycle looks at it: one point is too short
    // to judge, so nothing is flagged.
    await sendPoints('line', Number(kale.ready.line), ['web.quiet'], 1);
    await firstCycleDone(String(kale.ready.webapp));
    const browser = await launchChromium();
    try {
      const { page, problems } = await watchedPage(browser);
      await page.goto(`${kale.ready.webapp}/`);
      await page.waitForSelector('[data-testid=no-anomalies]');
      const text = (await page.textContent('[data-testid=no-anomalies]')) ?? '';
      expect(text).toMatch(
        /The last analysis looked at \d[\d,]* metrics?, Kale's own series included, .* and flagged none\. Next analysis in \d/,
      );
      expect(Number(/looked at ([\d,]+)/.exec(text)?.[1].replaceAll(',', ''))).toBeGreaterThanOrEqual(1);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
      await kale.stop();
    }
  });

  it('tells an empty install a command that works on its storage, with the ports it listens on', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-e2e-empty-'));
    const kale = await startKale([
      'start',
      '--data-dir',
      dir,
      '--pickle-port',
      '0',
      '--udp-port',
      'off',
      '--line-port',
      '0',
      '--webapp-port',
      '0',
    ]);
    const browser = await launchChromium();
    try {
      const { page, problems } = await watchedPage(browser);
      await page.goto(`${kale.ready.webapp}/`);
      // Horizon reports its ephemeral ports in its first self-metrics report (every 10 s).
      await page.waitForSelector(
        `[data-testid=send-data-commands] >> text=/pickle port ${kale.ready.pickle}/`,
      );
      const hint = await page.textContent('[data-testid=send-data-commands]');
      expect(hint).toContain('\nkale start --seed');
      expect(hint).not.toMatch(/^kale seed/m);
      expect(hint).toContain(`nc -q0 127.0.0.1 ${kale.ready.line}`);
      expect(hint).toContain(`pickle port ${kale.ready.pickle}`);
      await screenshot(page, 'empty');
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
      await kale.stop();
    }
  });
});
