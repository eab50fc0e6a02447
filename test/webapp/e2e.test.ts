import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../core/store/embeddedStore.js';
import { startKale, type RunningKale } from '../support/kaleCli.js';
import { launchChromium, pixelsOfColour, screenshot } from './browser.js';
import { XSS_NAME, seedStore } from './fixtures.js';

const ANOMALY_RED: [number, number, number] = [255, 84, 104];
const NAMES = [XSS_NAME, 'web.checkout.latency', 'web.search.errors', ...Array.from({ length: 40 }, (_, i) => `app.host${i % 5}.requests.r${i}`)];

/** A data directory holding a day of metrics and the anomalies of an analyzer cycle. */
async function seededDataDir(anomalous: number): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-e2e-'));
  const store = EmbeddedStore.open(dir);
  await seedStore(store, NAMES, anomalous);
  await store.close();
  return dir;
}

const startArgs = (dir: string, extra: string[] = []) =>
  ['start', '--data-dir', dir, '--pickle-port', 'off', '--udp-port', 'off', '--line-port', 'off', '--webapp-port', '0', ...extra];

describe('webapp in Chromium', () => {
  let browser: Browser;
  let kale: RunningKale;
  let page: Page;
  const dialogs: string[] = [];

  beforeAll(async () => {
    kale = await startKale(startArgs(await seededDataDir(12)));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
    page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  });
  afterAll(async () => {
    await browser?.close();
    await kale?.stop();
  });

  it('lists the anomalies, selects one, draws its 1h and 24h charts with the anomaly marked', async () => {
    await page.goto(`${kale.ready.webapp}/`);
    await page.waitForSelector('[data-testid=anomaly-row]');
    expect(await page.textContent('[data-testid=anomaly-count]')).toBe('12 anomalous');
    await page.locator('[data-testid=anomaly-row]', { hasText: 'web.checkout.latency' }).click();
    await page.waitForSelector('[data-testid=chart-24h] canvas');
    await page.waitForSelector('[data-testid=chart-1h] canvas');
    expect(await page.textContent('[data-testid=anomaly-detail] h2')).toBe('web.checkout.latency');
    expect(await page.locator('.votes-list li.yes').count()).toBe(7);
    expect(await pixelsOfColour(page, '[data-testid=chart-1h]', ANOMALY_RED)).toBeGreaterThan(20);
    expect(await pixelsOfColour(page, '[data-testid=chart-24h]', ANOMALY_RED)).toBeGreaterThan(20);
    await screenshot(page, 'anomalies');
  });

  it('moves through the list with the up and down keys', async () => {
    const selected = () => page.textContent('[data-testid=anomaly-row][aria-selected=true] .m');
    expect(await selected()).toBe('web.checkout.latency');
    await page.keyboard.press('ArrowDown');
    expect(await selected()).toBe('web.search.errors');
    await page.waitForFunction(() => document.querySelector('[data-testid=anomaly-detail] h2')?.textContent === 'web.search.errors');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    expect(await selected()).toBe(XSS_NAME);
  });

  it('renders a metric named like markup as text, and runs nothing', async () => {
    await page.waitForFunction((n) => document.querySelector('[data-testid=anomaly-detail] h2')?.textContent === n, XSS_NAME);
    expect(await page.locator('[data-testid=anomaly-row] .m', { hasText: XSS_NAME }).count()).toBe(1);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.$$eval('img', (imgs) => imgs.length)).toBe(0);
    expect(dialogs).toEqual([]);
  });

  it('explores a metric over a relative range', async () => {
    await page.goto(`${kale.ready.webapp}/#/explore`);
    await page.fill('input[aria-label="Search metrics"]', 'checkout');
    await page.locator('[data-testid=metric-list] a', { hasText: 'web.checkout.latency' }).click();
    await page.waitForSelector('[data-testid=explore-chart] canvas');
    await page.click('button:text-is("6h")');
    await page.waitForSelector('[data-testid=explore-chart] canvas');
    await page.fill('input[aria-label=from]', 'someday');
    await expect.poll(() => page.textContent('[data-testid=explore-detail] .error')).toMatch(/cannot parse time "someday"/);
    await page.click('button:text-is("24h")');
    await page.waitForSelector('[data-testid=explore-chart] canvas');
    await screenshot(page, 'explore');
  });

  it('shows the status of the backends', async () => {
    await page.goto(`${kale.ready.webapp}/#/status`);
    await page.waitForSelector('[data-testid=status-page] .card');
    const text = await page.textContent('[data-testid=status-page]');
    expect(text).toContain('embedded');
    expect(text).toMatch(/metrics\s*43/);
    await screenshot(page, 'status');
  });
});

describe('webapp edge cases in Chromium', () => {
  it('tells an empty install how to send data', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-e2e-empty-'));
    const kale = await startKale(startArgs(dir));
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${kale.ready.webapp}/`);
      await page.waitForSelector('[data-testid=empty-state]');
      expect(await page.textContent('[data-testid=empty-state]')).toContain('kale seed');
      await screenshot(page, 'empty');
    } finally {
      await browser.close();
      await kale.stop();
    }
  });

  it('answers 401 off loopback without the token, and serves the UI with it', async () => {
    const dir = await seededDataDir(2);
    const cfg = path.join(dir, 'kale.config.json');
    fs.writeFileSync(cfg, JSON.stringify({ webapp: { token: 'e2e-token' } }));
    const kale = await startKale(startArgs(dir, ['--host', '0.0.0.0', '--config', cfg]));
    const external = Object.values(os.networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal)?.address ?? '127.0.0.1';
    const base = String(kale.ready.webapp).replace('0.0.0.0', external);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const denied = await page.goto(`${base}/`);
      expect(denied?.status()).toBe(401);
      expect((await fetch(`${base}/api/anomalies`)).status).toBe(401);
      const allowed = await page.goto(`${base}/?token=e2e-token`);
      expect(allowed?.status()).toBe(200);
      await page.waitForSelector('[data-testid=anomaly-row]');
      expect(page.url()).not.toContain('token');
    } finally {
      await browser.close();
      await kale.stop();
    }
  });
});
