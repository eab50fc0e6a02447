import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium, as DESIGN §9 asks: never a downloaded browser. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

const ARTIFACTS = path.resolve('test-artifacts');
const DOCS = path.resolve('docs/screenshots');

/**
 * Saves a screenshot as a test artifact; with KALE_UPDATE_SCREENSHOTS=1 also refreshes the README's
 * copy in docs/screenshots (kept out of ordinary runs so tests do not dirty the tree).
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `webapp-${name}.png`);
  await page.screenshot({ path: file });
  if (process.env.KALE_UPDATE_SCREENSHOTS === '1') {
    fs.mkdirSync(DOCS, { recursive: true });
    fs.copyFileSync(file, path.join(DOCS, `${name}.png`));
  }
}

/** Counts canvas pixels close to an RGB colour inside an element: proof a chart drew a given series. */
export function pixelsOfColour(page: Page, selector: string, rgb: [number, number, number]): Promise<number> {
  return page.$eval(selector, (el, [r, g, b]) => {
    let n = 0;
    for (const c of el.querySelectorAll('canvas')) {
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      for (let i = 0; i < data.length; i += 4) {
        if (Math.abs(data[i] - r) < 30 && Math.abs(data[i + 1] - g) < 30 && Math.abs(data[i + 2] - b) < 30 && data[i + 3] > 200) n++;
      }
    }
    return n;
  }, rgb);
}
