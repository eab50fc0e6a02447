import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { snapshotPath } from '../../core/store/embedded/layout.js';
import { kale, startKale, type RunningKale } from '../support/kaleCli.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'kale-crash-'));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const NOW = Math.floor(Date.now() / 1000);
const COMMIT_MS = 200;
const BATCH_MS = 20;

function horizon(dir: string, config: object): Promise<RunningKale> {
  const cfg = path.join(dir, 'kale.config.json');
  fs.writeFileSync(cfg, JSON.stringify(config));
  return startKale([
    'horizon',
    '--config',
    cfg,
    '--data-dir',
    dir,
    '--pickle-port',
    'off',
    '--udp-port',
    'off',
    '--line-port',
    '0',
    '--log-level',
    'warn',
  ]);
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

function series(dir: string, name: string): Array<[number, number]> {
  const r = kale(['series', name, '--data-dir', dir, '--json', '--from', String(NOW - 86_000)]);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe('embedded store under kill -9 (real kale processes)', () => {
  it("loses at most the commit interval of a stream, with compactions running, and restarts on the dead process's lock", async () => {
    const dir = tmp();
    // A tiny compaction bound: the kill lands while snapshots are written and logs rotated.
    const config = { embedded: { commitMs: COMMIT_MS, compactBytes: 2048 }, horizon: { batchMs: BATCH_MS } };
    const k = await horizon(dir, config);
    const socket = await connect(k.ready.line as number);
    const sentAt: number[] = [];
    // Within maxResolution (1000 s) of now, as horizon requires.
    const start = NOW - 700;
    for (let i = 0; i < 600; i++) {
      socket.write(`crash.stream ${i} ${start + i}\n`);
      sentAt.push(performance.now());
      await sleep(5);
    }
    k.child.kill('SIGKILL');
    const killedAt = performance.now();
    await new Promise((r) => k.child.once('exit', r));
    socket.destroy();
    expect(fs.existsSync(snapshotPath(dir))).toBe(true);

    // The restart takes over the lock the killed process left, and stops cleanly.
    const again = await horizon(dir, config);
    expect(await again.stop()).toBe(0);
    const stored = series(dir, 'crash.stream').map(([ts]) => ts - start);
    // What is stored is the stream's beginning, without a hole...
    expect(stored).toEqual(Array.from({ length: stored.length }, (_, i) => i));
    // ...and everything sent more than a commit interval (plus the writer's batch and a margin for
    // this shared machine) before the kill is in it.
    const bound = COMMIT_MS + BATCH_MS + 1000;
    const mustHave = sentAt.filter((at) => at < killedAt - bound).length;
    expect(mustHave).toBeGreaterThan(300);
    expect(stored.length).toBeGreaterThanOrEqual(mustHave);
  }, 60_000);

  it("a second writer on a running kale's data dir is refused with the holder's pid; readers read through; nothing is overwritten", async () => {
    const dir = tmp();
    const k = await horizon(dir, { embedded: { commitMs: COMMIT_MS } });
    const socket = await connect(k.ready.line as number);
    socket.end(`held.metric 1 ${NOW - 60}\n`);
    let listed: string[] = [];
    for (let i = 0; i < 100 && !listed.includes('held.metric'); i++) {
      await sleep(100);
      listed = JSON.parse(kale(['metrics', 'held.*', '--data-dir', dir, '--json']).stdout) as string[];
    }
    expect(listed).toEqual(['held.metric']);

    const refusal = new RegExp(
      `^kale: data dir ${dir} is in use by kale process ${k.child.pid}: this process only reads it and refuses to write`,
    );
    const second = kale([
      'horizon',
      '--data-dir',
      dir,
      '--pickle-port',
      'off',
      '--udp-port',
      'off',
      '--line-port',
      '0',
    ]);
    expect(second.status).toBe(1);
    expect(second.stderr).toMatch(refusal);
    const csv = path.join(dir, 'other.csv');
    fs.writeFileSync(csv, `timestamp,value\n${NOW - 60},5\n`);
    const imported = kale(['import', csv, '--data-dir', dir]);
    expect(imported.status).toBe(1);
    expect(imported.stderr).toMatch(refusal);

    expect(await k.stop()).toBe(0);
    expect(series(dir, 'held.metric')).toEqual([[NOW - 60, 1]]);
    expect(JSON.parse(kale(['metrics', 'other', '--data-dir', dir, '--json']).stdout)).toEqual([]);
    // Once the holder is gone, the same import goes in.
    expect(kale(['import', csv, '--data-dir', dir]).status).toBe(0);
    expect(JSON.parse(kale(['metrics', 'other', '--data-dir', dir, '--json']).stdout)).toEqual(['other']);
  }, 60_000);

  it('kale metrics on a truncated snapshot answers, with one warning line naming the file', async () => {
    const dir = tmp();
    const k = await horizon(dir, { embedded: { commitMs: COMMIT_MS, compactBytes: 1024 } });
    const socket = await connect(k.ready.line as number);
    socket.end(Array.from({ length: 200 }, (_, i) => `cut.m${i % 20} ${i} ${NOW - 600 + i}\n`).join(''));
    await sleep(1000);
    expect(await k.stop()).toBe(0);
    const file = snapshotPath(dir);
    expect(fs.existsSync(file)).toBe(true);
    fs.truncateSync(file, fs.statSync(file).size - 10);
    const r = kale(['metrics', '--data-dir', dir, '--json']);
    expect(r.status).toBe(0);
    const warnings = r.stderr.split('\n').filter((l) => l.includes(' warn '));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`${file} is damaged`);
    expect((JSON.parse(r.stdout) as string[]).length).toBeGreaterThan(0);
  }, 60_000);
});
