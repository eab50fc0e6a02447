import { Command } from 'commander';
import { UsageError, action, withGlobalOptions } from '../../core/cli.js';
import { progress } from '../bench/stats.js';
import type { Proto } from '../senders/sender.js';
import { senderTarget, withTargetOptions } from '../senders/target.js';
import { runSeed, type SeedResult } from './runSeed.js';
import { waitForAnalyzer, type WaitReport } from './waitForAnalyzer.js';

interface SeedFlags {
  proto: Proto;
  metrics: string;
  hours: string;
  step: string;
  randomSeed: string;
  wait?: boolean;
  waitTimeout: string;
  json?: boolean;
}

const number = (flag: string, v: string, min: number): number => {
  const n = Number(v);
  if (!Number.isFinite(n) || n < min)
    throw new UsageError(`${flag}: expected a number >= ${min}, got "${v}"`);
  return n;
};

export function seedCommand(): Command {
  const cmd = withTargetOptions(withGlobalOptions(new Command('seed')), 'pickle')
    .description('fill a running kale with a realistic demo: a day of metrics with injected anomalies')
    .option('--metrics <n>', 'how many metrics', '20')
    .option('--hours <h>', 'hours of history per metric', '24')
    .option('--step <seconds>', 'seconds between points', '60')
    .option('--random-seed <n>', 'seed for the generated noise (same seed, same data)', '1')
    .option('--wait', 'wait for the analyzer to run, then report which injected anomalies it flagged')
    .option('--wait-timeout <seconds>', 'give up waiting for the analyzer after this long', '300')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `
History older than the last few minutes goes straight into the store through the import path (horizon
refuses points older than MAX_RESOLUTION); the newest minutes are sent live over --proto to the running
kale at --host and the port flag for that protocol. Give the same --redis URL (or REDIS_URL) the
running kale uses. Every point is then checked in the store; exit 1 if any did not arrive.
Metrics are named seed.<host>.<what>; injected anomalies: spike, drop, level-shift, seasonal-break.
`,
    );
  return cmd.action(
    action(async (ctx, flags: SeedFlags) => {
      if (!ctx.config.redis.url)
        throw new UsageError(
          'kale seed writes history into the store the running kale reads: give the same --redis URL (or REDIS_URL)',
        );
      const step = number('--step', flags.step, 1);
      const hours = number('--hours', flags.hours, step / 3600);
      const metrics = number('--metrics', flags.metrics, 1);
      const target = senderTarget(ctx.config, flags.proto);
      const store = ctx.store();
      if (!(await store.ping())) throw new Error(`cannot reach Redis at ${ctx.config.redis.url}`);
      // The router and the protocol encoders load only when the command runs.
      const [{ importRouting }, { openSender }] = await Promise.all([
        import('../import/torusRoute.js'),
        import('../senders/openSender.js'),
      ]);
      const route = importRouting(ctx.config);
      const result = await runSeed({
        store,
        route: route.route,
        sender: await openSender(flags.proto, target.host, target.port),
        metrics: Math.floor(metrics),
        hours,
        step,
        liveSeconds: Math.min(600, ctx.config.maxResolution / 2),
        randomSeed: Math.floor(number('--random-seed', flags.randomSeed, 0)),
        now: Date.now() / 1000,
        livePaceMs: 100,
        onProgress: (phase, done, total) =>
          progress(phase === 'history' ? 'history (import)' : `live (${flags.proto})`, done, total),
      });
      const report = {
        metrics: result.metrics.length,
        from: result.from,
        until: result.until,
        historyPoints: result.historyPoints,
        livePoints: result.livePoints,
        proto: flags.proto,
        target: `${target.host}:${target.port}`,
        torus: route.route ? result.torusWrites : route.unavailable,
        expected: result.arrival.expected,
        arrived: result.arrival.arrived,
        missing: result.arrival.missing,
        injected: result.metrics
          .filter((m) => m.injection)
          .map((m) => ({
            metric: m.name,
            kind: m.injection!.kind,
            from: m.injection!.from,
            until: m.injection!.until,
          })),
      };
      if (!flags.json) process.stdout.write(describe(report, result));
      const complete = result.arrival.arrived === result.arrival.expected;
      let wait: WaitReport | undefined;
      if (flags.wait && complete) {
        const timeout = number('--wait-timeout', flags.waitTimeout, 1);
        if (!flags.json) process.stderr.write(`waiting up to ${timeout} s for the analyzer's next run…\n`);
        wait = await waitForAnalyzer(store, result.metrics, Date.now() / 1000, timeout * 1000);
        if (!flags.json) process.stdout.write(describeWait(wait, timeout));
      }
      if (flags.json) process.stdout.write(`${JSON.stringify({ ...report, wait })}\n`);
      if (!complete || (wait && !wait.analyzerRan)) process.exitCode = 1;
    }),
  );
}

const n = (v: number) => v.toLocaleString('en-US');

function describe(
  r: {
    metrics: number;
    historyPoints: number;
    livePoints: number;
    proto: string;
    target: string;
    torus: number | string;
    expected: number;
    arrived: number;
    missing: ReadonlyArray<{ name: string; missing: number }>;
    injected: ReadonlyArray<{ metric: string; kind: string }>;
  },
  s: SeedResult,
): string {
  const out = [
    `seeded ${n(r.metrics)} metrics from ${new Date(s.from * 1000).toISOString()} to ${new Date(s.until * 1000).toISOString()}`,
    `  history: ${n(r.historyPoints)} points through the import path${typeof r.torus === 'number' ? ` (${n(r.torus)} torus bucket writes)` : ` (torus not written: ${r.torus})`}`,
    `  live:    ${n(r.livePoints)} points over ${r.proto} to ${r.target}`,
    `  stored:  ${n(r.arrived)}/${n(r.expected)} points verified${r.arrived < r.expected ? ' — MISSING:' : ''}`,
    ...r.missing.map((m) => `    ${m.name}: ${n(m.missing)} missing`),
    `  injected anomalies (${r.injected.length}):`,
    ...r.injected.map((i) => `    ${i.kind.padEnd(15)} ${i.metric}`),
  ];
  return `${out.join('\n')}\n`;
}

function describeWait(w: WaitReport, timeout: number): string {
  if (!w.analyzerRan)
    return `no analyzer run finished within ${timeout} s: is an analyzer (kale start or kale analyzer) running on this store?\n`;
  const flagged = w.verdicts.filter((v) => v.flagged).length;
  const out = [`analyzer: ${flagged} of ${w.verdicts.length} injected anomalies flagged`];
  for (const v of w.verdicts) {
    out.push(
      `  ${v.flagged ? 'flagged' : 'missed '}  ${v.kind.padEnd(15)} ${v.metric}${v.flagged ? `  score ${v.score!.toFixed(2)} (${v.detectors!.join(', ') || 'no detector named'})` : ''}`,
    );
  }
  out.push(`  other seed metrics flagged: ${w.otherFlagged.length ? w.otherFlagged.join(', ') : 'none'}`);
  return `${out.join('\n')}\n`;
}
