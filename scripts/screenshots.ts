/**
 * Regenerates docs/screenshots/ from a seeded embedded Kale, at a desktop's 1400×900 (NAME.png) and a
 * phone's 390×844 (NAME-phone.png). Run after `npm run build` (`npm run screenshots` does both).
 *
 * Kales on ephemeral ports, each in a temporary data directory: an empty one (the page that says how
 * to send data, then a few points its analyzer has not judged yet), and a seeded one, pictured once
 * anomalies and similar shapes are in (a seed is judged and imported at once). A console error, an uncaught exception, a failed
 * request or a 5xx on any page fails the run, as in the end-to-end tests.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startKale, type RunningKale } from '../test/support/kaleCli.js';
import { launchChromium } from '../test/webapp/browser.js';
import { watchedPage } from '../test/webapp/kale.js';

const OUT = path.resolve('docs/screenshots');
const SIZES = [
  { suffix: '', viewport: { width: 1400, height: 900 } },
  { suffix: '-phone', viewport: { width: 390, height: 844 } },
];
/** The analyzer's first cycle runs on the empty store; the seed is judged on the next, this far away. */
const ANALYZER_INTERVAL = 30;
const SHAPE_IMPORT_INTERVAL = 20;

type Shot = { name: string; route: string; ready: string; act?: (page: Page) => Promise<void> };

function dataDir(config?: object): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-screenshots-'));
  if (!config) return ['--data-dir', dir];
  fs.writeFileSync(path.join(dir, 'kale.config.json'), JSON.stringify(config));
  return ['--data-dir', dir, '--config', path.join(dir, 'kale.config.json')];
}

const PORTS = ['--pickle-port', '0', '--udp-port', 'off', '--line-port', '0', '--webapp-port', '0'];

async function poll<T>(what: string, seconds: number, probe: () => Promise<T | undefined>): Promise<T> {
  for (
    const end = Date.now() + seconds * 1000;
    Date.now() < end;
    await new Promise((r) => setTimeout(r, 500))
  ) {
    const v = await probe();
    if (v !== undefined) return v;
  }
  throw new Error(`screenshots: ${what} did not happen within ${seconds} s`);
}

const getJson = async <T>(url: string): Promise<T> => (await fetch(url)).json() as Promise<T>;

/** Takes each shot at both sizes; fails on any problem the pages reported. */
async function take(browser: Browser, base: string, shots: Shot[]): Promise<void> {
  for (const { suffix, viewport } of SIZES) {
    const { page, problems } = await watchedPage(browser, viewport);
    for (const shot of shots) {
      await page.goto(`${base}/${shot.route}`);
      await page.waitForSelector(shot.ready, { timeout: 30_000 });
      await shot.act?.(page);
      // Charts draw on the next animation frame after their data arrives.
      await page.waitForTimeout(300);
      const file = path.join(OUT, `${shot.name}${suffix}.png`);
      await page.screenshot({ path: file });
      console.log(`wrote ${path.relative(process.cwd(), file)}`);
    }
    if (problems.length) throw new Error(`screenshots: the pages reported problems:\n${problems.join('\n')}`);
    await page.context().close();
  }
}

/** Draws a dip-and-spike shape on Similar's pad, as a user would with the mouse. */
async function drawShape(page: Page): Promise<void> {
  await page.click('button:text-is("Draw a shape")');
  const pad = (await page.locator('[data-testid=shape-pad]').boundingBox())!;
  await page.mouse.move(pad.x + 5, pad.y + pad.height * 0.7);
  await page.mouse.down();
  for (let i = 1; i <= 30; i++) {
    const y = i === 20 ? 0.1 : i === 10 ? 0.9 : 0.7 - 0.1 * Math.sin(i / 3);
    await page.mouse.move(pad.x + 5 + ((pad.width - 10) * i) / 30, pad.y + pad.height * y);
  }
  await page.mouse.up();
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-testid=similar-summary] >> text=drawn query');
}

async function withKale(args: string[], run: (kale: RunningKale) => Promise<void>): Promise<void> {
  const kale = await startKale(args, { timeoutMs: 60_000 });
  try {
    await run(kale);
  } finally {
    await kale.stop();
  }
}

/** Plaintext lines to a listener; resolves once they are written and the connection closed. */
function sendLines(port: number, lines: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(`${lines.join('\n')}\n`, () => resolve()));
    socket.once('error', reject);
  });
}

async function main(): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true });
  const browser = await launchChromium();
  try {
    // Ten minutes between cycles: points sent after the first (10 s after start, on the empty store) wait.
    await withKale(['start', ...dataDir(), ...PORTS, '--interval', '600'], async (kale) => {
      const base = String(kale.ready.webapp);
      // Horizon reports its ports in its first self-metrics report (every 10 s); the hint shows them.
      await take(browser, base, [
        {
          name: 'empty',
          route: '#/anomalies',
          ready: `[data-testid=send-data-commands] >> text=/pickle port ${kale.ready.pickle}/`,
        },
      ]);
      await poll('the first cycle', 60, async () =>
        (await getJson<{ analyzer: { lastCycle: unknown } }>(`${base}/api/status`)).analyzer.lastCycle !==
        null
          ? true
          : undefined,
      );
      await sendLines(
        Number(kale.ready.line),
        ['web.api.requests', 'web.api.errors', 'db.main.latency_ms'].map(
          (n, i) => `${n} ${10 * (i + 1)} ${Math.floor(Date.now() / 1000)}`,
        ),
      );
      await take(browser, base, [
        { name: 'first-analysis', route: '#/anomalies', ready: '[data-testid=first-analysis]' },
      ]);
    });

    const seeded = [
      ...dataDir({ oculus: { interval: SHAPE_IMPORT_INTERVAL } }),
      ...PORTS,
      '--interval',
      String(ANALYZER_INTERVAL),
      '--seed',
    ];
    await withKale(['start', ...seeded], async (kale) => {
      const base = String(kale.ready.webapp);
      await poll('the seed', 60, async () =>
        (await getJson<{ metrics: number }>(`${base}/api/status`)).metrics >= 20 ? true : undefined,
      );

      type Current = { anomalies: Array<{ metric: string; episode: string }> };
      const { anomalies } = await poll(
        'the analyzer flagging the seeded anomalies',
        3 * ANALYZER_INTERVAL,
        async () => {
          const r = await getJson<Current>(`${base}/api/anomalies?sort=score`);
          return r.anomalies.length ? r : undefined;
        },
      );
      const { metric, episode } = anomalies[0];
      await poll('the first shape import', 3 * SHAPE_IMPORT_INTERVAL, async () => {
        const r = await fetch(`${base}/api/similar?metric=${encodeURIComponent(metric)}`);
        return r.ok && ((await r.json()) as { matches: unknown[] }).matches.length ? true : undefined;
      });
      const m = encodeURIComponent(metric);
      await take(browser, base, [
        { name: 'anomalies', route: '#/anomalies', ready: '[data-testid=chart-24h] canvas' },
        {
          name: 'episode',
          route: `#/anomalies?episode=${encodeURIComponent(episode)}`,
          ready: '[data-testid=episode-row]',
        },
        {
          name: 'explore',
          route: `#/explore?metric=${m}&from=-6h&until=now`,
          ready: '[data-testid=explore-chart] canvas',
        },
        { name: 'similar', route: `#/similar?metric=${m}`, ready: '[data-testid=similar-result] canvas' },
        { name: 'similar-drawn', route: '#/similar', ready: '[data-testid=similar-page]', act: drawShape },
        // Horizon reports every 10 s: a seed judged at once can reach this page before its first report.
        { name: 'status', route: '#/status', ready: '[data-testid=health-horizon] .state.ok' },
      ]);
    });
  } finally {
    await browser.close();
  }
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
