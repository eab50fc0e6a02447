import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKale, type RunningKale } from '../support/kaleCli.js';
import { launchChromium } from './browser.js';
import { SPIKED, flagged, seededDataDir, sendSpikes, startArgs, watchedPage } from './kale.js';

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
});
