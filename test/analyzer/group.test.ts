/**
 * Analyzer groups on real processes and a real Redis: three `kale analyzer`s split the metrics,
 * one is killed with SIGKILL and its share is taken over, it comes back and the shares rebalance,
 * and the webhook receives one alert per anomalous metric throughout.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { rendezvousOwner } from '../../analyzer/rendezvous.js';
import { groupSettled, type GroupStatus } from '../../analyzer/group.js';
import { ANALYZER_MEMBERS } from '../../core/store/keys.js';
import { RedisStore } from '../../core/store/redisStore.js';
import { startKale, type RunningKale } from '../support/kaleCli.js';
import { freshRedisDb, redisUrl } from '../support/redis.js';

const INTERVAL = 2;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-analyzer-group-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns a value (not undefined); fails naming `what` after `limitMs`. */
async function until<T>(what: string, check: () => Promise<T | undefined>, limitMs = 60_000): Promise<T> {
  for (let waited = 0; ; waited += 200) {
    const v = await check();
    if (v !== undefined) return v;
    if (waited > limitMs) throw new Error(`gave up waiting for ${what}`);
    await sleep(200);
  }
}

/** A real HTTP receiver for the webhook alerter: the metric named by each alert, in order. */
async function webhookReceiver(): Promise<{ url: string; alerts: string[]; close(): Promise<void> }> {
  const alerts: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      alerts.push((JSON.parse(body) as { anomaly: { metric: string } }).anomaly.metric);
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    alerts,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** A day at 60 s ending a minute ago: quiet, so one high point at now is anomalous to every etsy detector. */
function quietDay(now: number): Array<[number, number]> {
  return Array.from({ length: 1440 }, (_, i) => [now - 60 * (1440 - i), 50 + 5 * Math.sin(i * 1.7)]);
}

if (redisUrl) {
  describe('kale analyzer group', () => {
    it('splits metrics among live members, survives a kill -9 and a restart, alerts once per anomaly', async () => {
      const url = await freshRedisDb();
      const store = RedisStore.connect(url);
      const lease = store.groupLease(ANALYZER_MEMBERS);
      const hook = await webhookReceiver();
      const config = path.join(dir, 'kale.config.json');
      fs.writeFileSync(
        config,
        JSON.stringify({
          analyzer: {
            interval: INTERVAL,
            preset: 'etsy',
            workers: 0,
            alerts: [{ match: 'svc', via: 'webhook', expiry: 3600 }],
            alerters: { webhook: { url: hook.url } },
          },
        }),
      );
      const now = Math.floor(Date.now() / 1000);
      const names = Array.from({ length: 30 }, (_, i) => `svc.m${String(i).padStart(2, '0')}`);
      await store.append(names.map((name) => ({ name, points: quietDay(now) })));
      const spike = (name: string) =>
        store.append([{ name, points: [[Math.floor(Date.now() / 1000), 550]] }]);
      const start = () => startKale(['analyzer', '--config', config, '--redis', url, '--metrics-port', '0']);
      const running: RunningKale[] = [];
      /** The live members once every one of them has finished `cycles` cycles split among exactly `count` members. */
      const settled = (count: number, cycles: number) =>
        until(`${count} members settled`, async () => {
          const members = await lease.members();
          return members.length === count && groupSettled(members, cycles)
            ? members.map((m) => m.id)
            : undefined;
        });
      const historyOf = async (metric: string, after: number) =>
        (await store.anomalyHistory({ metric })).filter((r) => r.detectedAt >= after);
      try {
        for (let i = 0; i < 3; i++) running.push(await start());
        const ids = await settled(3, 1);
        const idOf = (k: RunningKale, among: string[]) =>
          among.find((id) => id.includes(`-${k.child.pid}-`))!;
        const shareOf = (id: string, view: string[]) => names.filter((n) => rendezvousOwner(n, view) === id);

        // A known anomaly in each member's share, alerted once.
        const first = ids.map((id) => shareOf(id, ids)[0]);
        expect(first.every(Boolean)).toBe(true);
        await Promise.all(first.map(spike));
        await until('an alert for each share', async () =>
          first.every((m) => hook.alerts.includes(m)) ? true : undefined,
        );

        // kill -9 one member; a fresh anomaly in its share must still be recorded and alerted by the others.
        const victim = running.shift()!;
        const victimId = idOf(victim, ids);
        const orphan = shareOf(victimId, ids)[1];
        expect(orphan).toBeDefined();
        victim.child.kill('SIGKILL');
        const killedAt = Date.now() / 1000;
        await spike(orphan);
        const recorded = await until(
          'the orphaned anomaly recorded',
          async () => (await historyOf(orphan, killedAt))[0],
        );
        await until('the orphaned anomaly alerted', async () =>
          hook.alerts.includes(orphan) ? true : undefined,
        );
        const survivors = await settled(2, 1);
        expect(survivors).not.toContain(victimId);
        // Every metric judged again: the status document counts none overdue once the group has settled.
        const status = await until('no overdue metric', async () => {
          const group = (await store.getStatus()).analyzer?.group as GroupStatus | undefined;
          return group && group.members.length === 2 && group.overdue === 0 ? group : undefined;
        });
        expect(status.members.map((m) => m.id)).toEqual(survivors);
        process.stderr.write(
          `analyzer group: the dead member's anomaly was recorded ${(recorded.detectedAt - killedAt).toFixed(1)} s after kill -9 (interval ${INTERVAL} s)\n`,
        );

        // Restart it: it takes a share, and no anomaly is alerted a second time.
        running.push(await start());
        const rejoined = await settled(3, 2);
        const newcomer = idOf(running.at(-1)!, rejoined);
        expect(newcomer).toBeDefined();
        expect(shareOf(newcomer, rejoined).length).toBeGreaterThan(0);
        for (const m of [...first, orphan]) expect((await historyOf(m, killedAt)).length).toBeGreaterThan(0);
        // The current list is shared: each member keeps the others' records in it.
        await until('every anomaly in the current list', async () => {
          const current = (await store.currentAnomalies()).map((r) => r.metric);
          return [...first, orphan].every((m) => current.includes(m)) ? true : undefined;
        });
        const sent = hook.alerts.filter((m) => m.startsWith('svc.'));
        expect(sent.sort()).toEqual([...first, orphan].sort());

        // Operators see the group in /metrics and /api/status.
        const scrape = `http://127.0.0.1:${running[0].ready.metrics}/metrics`;
        await until('the group in /metrics', async () => {
          const body = await (await fetch(scrape)).text();
          return /^kale_analyzer_group_members 3$/m.test(body) &&
            /^kale_analyzer_overdue_metrics 0$/m.test(body)
            ? true
            : undefined;
        });
        const body = await (await fetch(scrape)).text();
        for (const id of rejoined)
          expect(body).toMatch(new RegExp(`^kale_analyzer_group_share\\{member="${id}"\\} \\d+$`, 'm'));
        const webapp = await startKale(['webapp', '--redis', url, '--webapp-port', '0']);
        running.push(webapp);
        const api = (await (await fetch(`${webapp.ready.webapp}/api/status`)).json()) as {
          analyzer: { lastCycle: { group: GroupStatus } };
        };
        expect(api.analyzer.lastCycle.group.members.map((m) => m.id)).toEqual(rejoined);
      } finally {
        for (const k of running) expect(await k.stop()).toBe(0);
        await hook.close();
        await store.close();
      }
    }, 180_000);

    it('a static --shard does not join the group', async () => {
      const url = await freshRedisDb();
      const store = RedisStore.connect(url);
      const shard = await startKale(['analyzer', '--redis', url, '--interval', '1', '--shard', '0/2']);
      try {
        await until("the shard's first cycle", async () => (await store.getStatus())['analyzer.shard0_of_2']);
        expect(await store.groupLease(ANALYZER_MEMBERS).members()).toEqual([]);
      } finally {
        expect(await shard.stop()).toBe(0);
        await store.close();
      }
    });
  });
} else {
  describe.skip('kale analyzer group (SKIPPED: no redis-server on this machine)', () => {});
}
