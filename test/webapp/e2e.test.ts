import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKale, type RunningKale } from '../support/kaleCli.js';
import { launchChromium, pixelsOfColour, screenshot } from './browser.js';
import { XSS_NAME } from './fixtures.js';
import { SPIKED, flagged, seededDataDir as seededWith, sendPoints, startArgs } from './kale.js';

const ANOMALY_RED: [number, number, number] = [255, 84, 104];

const SCHEMAS = [
  {
    name: 'web',
    type: 'series' as const,
    match: '^web\\.',
    intervals: { '10m': { step: 600, steps: 200 }, '1h': { step: '1h', steps: 48 } },
  },
];
const seededDataDir = () => seededWith(SCHEMAS);

describe('webapp in Chromium', () => {
  let browser: Browser;
  let kale: RunningKale;
  let page: Page;
  const dialogs: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    kale = await startKale(startArgs(await seededDataDir()));
    await sendPoints('pickle', Number(kale.ready.pickle), SPIKED);
    await flagged(String(kale.ready.webapp), SPIKED);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => consoleErrors.push(e.message));
  });
  afterAll(async () => {
    await browser?.close();
    await kale?.stop();
  });

  it('lists the anomalies sent in, selects one, draws its 1h and 24h charts with the anomaly marked', async () => {
    await page.goto(`${kale.ready.webapp}/`);
    await page.waitForSelector('[data-testid=anomaly-row]');
    expect(await page.textContent('[data-testid=anomaly-count]')).toMatch(/^\d+ anomalous$/);
    for (const name of SPIKED)
      expect(await page.locator('[data-testid=anomaly-row] .m', { hasText: name }).count()).toBe(1);
    const row = page.locator('[data-testid=anomaly-row]', { hasText: 'web.checkout.latency' });
    expect(await row.locator('.v').textContent()).toBe('1,000');
    await row.click();
    await page.waitForSelector('[data-testid=chart-24h] canvas');
    await page.waitForSelector('[data-testid=chart-1h] canvas');
    expect(await page.textContent('[data-testid=anomaly-detail] h2')).toBe('web.checkout.latency');
    expect(await page.locator('.votes-list li.yes').count()).toBeGreaterThan(0);
    expect(await pixelsOfColour(page, '[data-testid=chart-1h]', ANOMALY_RED)).toBeGreaterThan(20);
    expect(await pixelsOfColour(page, '[data-testid=chart-24h]', ANOMALY_RED)).toBeGreaterThan(20);
    await screenshot(page, 'anomalies');
  });

  it('moves through the list with the up and down keys', async () => {
    // The list and its selection read together: the analyzer keeps running, and a refresh may add
    // or reorder rows between two key presses, so each move is checked against the list as it is then.
    const state = () =>
      page.evaluate(() => ({
        names: [...document.querySelectorAll('[data-testid=anomaly-row] .m')].map((e) => e.textContent ?? ''),
        selected:
          document.querySelector('[role=option][aria-selected=true] [data-testid=anomaly-row] .m')
            ?.textContent ?? null,
      }));
    const move = async (key: 'ArrowDown' | 'ArrowUp', by: 1 | -1) => {
      const before = await state();
      await page.keyboard.press(key);
      // Each key press re-renders the list: wait for it rather than read the old selection.
      await expect
        .poll(async () => {
          const now = await state();
          const from = now.names.indexOf(before.selected ?? '');
          const want = now.names[Math.min(now.names.length - 1, Math.max(0, from + by))];
          return now.selected === want && from >= 0;
        })
        .toBe(true);
      return (await state()).selected;
    };
    const start = await state();
    expect(start.selected).toBe('web.checkout.latency');
    expect(start.names.length).toBeGreaterThan(1);
    // Away and back: down then up, or up then down from the last row (down stops there).
    const last = start.names.indexOf('web.checkout.latency') === start.names.length - 1;
    const [away, back] = last ? (['ArrowUp', 'ArrowDown'] as const) : (['ArrowDown', 'ArrowUp'] as const);
    expect(await move(away, away === 'ArrowUp' ? -1 : 1)).not.toBe('web.checkout.latency');
    expect(await move(back, back === 'ArrowUp' ? -1 : 1)).toBe('web.checkout.latency');
    // Down on the last row stays there.
    const end = (await state()).names.at(-1);
    while ((await state()).selected !== end) await move('ArrowDown', 1);
    expect(await move('ArrowDown', 1)).toBe(end);
  });

  it('renders a metric named like markup as text, and runs nothing', async () => {
    await page.locator('[data-testid=anomaly-row]', { hasText: XSS_NAME }).click();
    await page.waitForFunction(
      (n) => document.querySelector('[data-testid=anomaly-detail] h2')?.textContent === n,
      XSS_NAME,
    );
    expect(await page.locator('[data-testid=anomaly-row] .m', { hasText: XSS_NAME }).count()).toBe(1);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.$$eval('img', (imgs) => imgs.length)).toBe(0);
    expect(dialogs).toEqual([]);
    // Nothing the page does trips its own Content-Security-Policy, and nothing throws.
    expect(consoleErrors).toEqual([]);
  });

  it('explores a metric over a relative range', async () => {
    await page.goto(`${kale.ready.webapp}/#/explore`);
    await page.fill('input[aria-label="Search metrics"]', 'checkout');
    await page.locator('[data-testid=metric-list] a', { hasText: 'web.checkout.latency' }).click();
    await page.waitForSelector('[data-testid=explore-chart] canvas');
    await page.click('button:text-is("6h")');
    await page.waitForSelector('[data-testid=explore-chart] canvas');
    await page.fill('input[aria-label=from]', 'someday');
    await expect
      .poll(() => page.textContent('[data-testid=explore-detail] .error'))
      .toMatch(/cannot parse time "someday"/);
    await page.click('button:text-is("24h")');
    await page.waitForSelector('[data-testid=explore-chart] canvas');
    await page.selectOption('select[aria-label=interval]', '10m');
    await page.selectOption('select[aria-label=function]', 'max');
    await page.fill('input[aria-label=start]', '1 day ago');
    await page.click('button:text-is("Show")');
    await page.waitForSelector('[data-testid=torus-chart] canvas');
    // The spike's recorded anomaly is marked on the raw chart and on the rolled-up bucket holding it.
    await expect
      .poll(() => pixelsOfColour(page, '[data-testid=explore-chart]', ANOMALY_RED))
      .toBeGreaterThan(20);
    await expect
      .poll(() => pixelsOfColour(page, '[data-testid=torus-chart]', ANOMALY_RED))
      .toBeGreaterThan(20);
    await screenshot(page, 'explore');
  });

  it('finds shapes similar to the selected anomaly, shown as small multiples with the query overlaid', async () => {
    await page.goto(`${kale.ready.webapp}/#/anomalies`);
    await page.locator('[data-testid=anomaly-row]', { hasText: 'web.checkout.latency' }).click();
    await page.click('text=Find similar shapes');
    await page.waitForSelector('[data-testid=similar-result] canvas');
    expect(await page.textContent('[data-testid=similar-summary]')).toContain('web.checkout.latency');
    const cards = page.locator('[data-testid=similar-result]');
    expect(await cards.count()).toBe(20);
    expect(await cards.locator('.metric-name', { hasText: /^web\.checkout\.latency$/ }).count()).toBe(0);
    expect(
      await pixelsOfColour(page, '[data-testid=similar-result] >> nth=0', [245, 179, 66]),
    ).toBeGreaterThan(20);
    await page.fill('input[aria-label=exclude]', 'app');
    await page.click('button[type=submit]');
    await expect.poll(() => cards.count()).toBeLessThan(20);
    expect(await cards.locator('.metric-name', { hasText: /^app\./ }).count()).toBe(0);
    await cards.first().locator('button:text-is("Add to collection")').click();
    await page.waitForSelector('button:text-is("In collection")');
    await expect.poll(() => page.locator('.collections li').count()).toBe(1);
    await screenshot(page, 'similar');
  });

  it('searches by a drawn shape', async () => {
    await page.goto(`${kale.ready.webapp}/#/similar`);
    await page.click('button:text-is("Draw a shape")');
    const pad = (await page.locator('[data-testid=shape-pad]').boundingBox())!;
    await page.mouse.move(pad.x + 5, pad.y + pad.height * 0.8);
    await page.mouse.down();
    for (let i = 1; i <= 20; i++) {
      const x = pad.x + 5 + ((pad.width - 10) * i) / 20;
      await page.mouse.move(x, pad.y + pad.height * (i === 15 ? 0.1 : 0.8));
    }
    await page.mouse.up();
    await page.click('button[type=submit]');
    // The previous test's results by name stay on the page until the drawn query's answer replaces them.
    await expect.poll(() => page.textContent('[data-testid=similar-summary]')).toContain('drawn query');
    await page.waitForSelector('[data-testid=similar-result] canvas');
    expect(await page.locator('[data-testid=similar-result]').count()).toBeGreaterThan(0);
    await screenshot(page, 'similar-drawn');
  });

  it('shows the status of the backends', async () => {
    await page.goto(`${kale.ready.webapp}/#/status`);
    await page.waitForSelector('[data-testid=status-page] .card');
    const text = await page.textContent('[data-testid=status-page]');
    expect(text).toContain('embedded');
    expect(text).toMatch(/metrics\s*\d+/);
    expect(text).toContain('analyzer');
  });

  it('refreshes the list on its own when the analyzer flags a new metric, unless auto-refresh is off', async () => {
    // The page's 15 s refresh timer runs on a clock the test moves, so nothing waits 15 s for real.
    const fresh = await browser.newPage();
    await fresh.clock.install();
    await fresh.goto(`${kale.ready.webapp}/`);
    await fresh.waitForSelector('[data-testid=anomaly-row]');
    // Installed clocks still run in real time; paused, only runFor moves them. Pausing 2 s ahead: on a
    // busy box more than a moment passes between reading the page's clock and pausing it, and a time
    // already past is refused. The list's 15 s timer, started at load, has not fired by then.
    await fresh.clock.pauseAt(await fresh.evaluate(() => Date.now() + 2000));
    const shown = (name: string) => fresh.locator('[data-testid=anomaly-row] .m', { hasText: name }).count();
    const [first, second] = ['app.host1.requests.r1', 'app.host2.requests.r2'];
    expect(await shown(first)).toBe(0);

    await sendPoints('pickle', Number(kale.ready.pickle), [first]);
    await flagged(String(kale.ready.webapp), [first]);
    expect(await shown(first)).toBe(0);
    await fresh.clock.runFor(15_000);
    await expect.poll(() => shown(first)).toBe(1);

    await fresh.getByLabel('auto-refresh').uncheck();
    await sendPoints('pickle', Number(kale.ready.pickle), [second]);
    await flagged(String(kale.ready.webapp), [second]);
    await fresh.clock.runFor(60_000);
    await fresh.waitForTimeout(500);
    expect(await shown(second)).toBe(0);
    await fresh.getByLabel('auto-refresh').check();
    await fresh.clock.runFor(15_000);
    await expect.poll(() => shown(second)).toBe(1);
    await fresh.close();
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
      expect(await page.textContent('[data-testid=empty-state]')).toContain('kale start --seed');
    } finally {
      await browser.close();
      await kale.stop();
    }
  });

  it('answers 401 off loopback without the token, and serves the UI with it', async () => {
    const dir = await seededDataDir();
    const cfg = path.join(dir, 'kale.config.json');
    fs.writeFileSync(cfg, JSON.stringify({ webapp: { token: 'e2e-token-0123456789abcdef' } }));
    const kale = await startKale(startArgs(dir, ['--host', '0.0.0.0']));
    const external =
      Object.values(os.networkInterfaces())
        .flat()
        .find((i) => i && i.family === 'IPv4' && !i.internal)?.address ?? '127.0.0.1';
    const base = String(kale.ready.webapp).replace('0.0.0.0', external);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const denied = await page.goto(`${base}/`);
      expect(denied?.status()).toBe(401);
      expect((await fetch(`${base}/api/anomalies`)).status).toBe(401);
      const allowed = await page.goto(`${base}/?token=e2e-token-0123456789abcdef`);
      expect(allowed?.status()).toBe(200);
      await page.waitForSelector('header .brand');
      expect(page.url()).not.toContain('token');
      expect(await page.evaluate(() => fetch('api/status').then((r) => r.status))).toBe(200);
    } finally {
      await browser.close();
      await kale.stop();
    }
  });
});
