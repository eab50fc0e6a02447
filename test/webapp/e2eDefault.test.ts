import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKale, type RunningKale } from '../support/kaleCli.js';
import { launchChromium, pixelsOfColour } from './browser.js';
import { SPIKED, flagged, seededDataDir, sendSpikes, startArgs, watchedPage } from './kale.js';

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
    await sendSpikes(Number(kale.ready.pickle), SPIKED);
    await flagged(base, SPIKED);
    browser = await launchChromium();
    ({ page, problems } = await watchedPage(browser));
  });
  afterAll(async () => {
    await browser?.close();
    await kale?.stop();
  });

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
    await expect.poll(() => pixelsOfColour(page, '[data-testid=explore-chart]', ANOMALY_RED)).toBeGreaterThan(20);
    const when = await page.locator('[data-testid=past-anomaly]').first().textContent();
    await page.locator('[data-testid=past-anomaly]').first().click();
    await page.waitForSelector('[data-testid=anomaly-detail] [data-testid=chart-1h] canvas');
    expect(await page.textContent('[data-testid=anomaly-detail] h2')).toBe('web.checkout.latency');
    expect(await page.textContent('[data-testid=anomaly-detail] .facts')).toContain(when!);
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
});
