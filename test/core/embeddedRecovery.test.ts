import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import type { Logger } from '../../core/log.js';
import { EmbeddedStore } from '../../core/store/embeddedStore.js';
import { compactOnDisk } from '../../core/store/embedded/compactOnDisk.js';
import {
  listSegments,
  previousSnapshotPath,
  segmentPath,
  snapshotPath,
} from '../../core/store/embedded/layout.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'kale-recovery-'));

/** A logger that keeps its warnings, to see what recovery says. */
function warnings(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const log: Logger = {
    debug: () => {},
    info: () => {},
    warn: (m) => lines.push(m),
    error: (m) => lines.push(m),
    child: () => log,
  };
  return { log, lines };
}

async function pointsOf(store: EmbeddedStore, name: string): Promise<number[]> {
  const [w] = await store.readWindows([name]);
  return w ? Array.from(w.timestamps) : [];
}

/** A data dir whose snapshot holds `a` (1..50) and whose log holds `b` (1..10). */
async function dirWithSnapshotAndLog(): Promise<string> {
  const dir = tmp();
  const s = EmbeddedStore.open(dir);
  await s.append([
    { name: 'a', points: Array.from({ length: 50 }, (_, i) => [i + 1, i] as [number, number]) },
  ]);
  await s.compact();
  await s.append([
    { name: 'b', points: Array.from({ length: 10 }, (_, i) => [i + 1, i] as [number, number]) },
  ]);
  await s.close();
  return dir;
}

describe('embedded store recovery from damaged files', () => {
  it('a truncated snapshot without a previous one: one warning naming it, the good part and the log kept', async () => {
    const dir = await dirWithSnapshotAndLog();
    const file = snapshotPath(dir);
    fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2));
    const w = warnings();
    const s = EmbeddedStore.open(dir, { log: w.log });
    expect(w.lines).toHaveLength(1);
    expect(w.lines[0]).toContain(file);
    expect(w.lines[0]).toMatch(
      /is damaged \(incomplete record at byte \d+\): starting from the good part of/,
    );
    // The header survived, so the log after the snapshot still replays on top of it.
    expect(await pointsOf(s, 'b')).toHaveLength(10);
    await s.append([{ name: 'c', points: [[1, 1]] }]);
    await s.close();
    // Repaired on open: the damaged file was moved aside, and the next open is quiet.
    expect(fs.existsSync(`${file}.damaged`)).toBe(true);
    const again = warnings();
    const t = EmbeddedStore.open(dir, { log: again.log });
    expect(again.lines).toEqual([]);
    expect(await t.listMetrics()).toEqual(['b', 'c']);
    await t.close();
  });

  it('an empty snapshot starts with a warning instead of a stack trace', async () => {
    const dir = tmp();
    fs.writeFileSync(snapshotPath(dir), '');
    const w = warnings();
    const s = EmbeddedStore.open(dir, { log: w.log });
    expect(w.lines).toEqual([
      `${snapshotPath(dir)} is damaged (empty file): starting from the log files alone`,
    ]);
    expect(await s.listMetrics()).toEqual([]);
    await s.close();
  });

  it('a garbled snapshot falls back to the previous one and the log it needs, losing nothing', async () => {
    const dir = tmp();
    const s = EmbeddedStore.open(dir);
    await s.append([{ name: 'first', points: [[1, 1]] }]);
    await s.compact();
    await s.append([{ name: 'second', points: [[2, 2]] }]);
    await s.compact();
    await s.append([{ name: 'third', points: [[3, 3]] }]);
    await s.close();
    expect(fs.existsSync(previousSnapshotPath(dir))).toBe(true);
    const file = snapshotPath(dir);
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 3] ^= 0xff;
    fs.writeFileSync(file, bytes);
    const w = warnings();
    const r = EmbeddedStore.open(dir, { log: w.log });
    expect(w.lines).toHaveLength(1);
    expect(w.lines[0]).toMatch(/is damaged \(checksum mismatch at byte \d+\): starting from .*\.prev$/);
    expect(w.lines[0].startsWith(file)).toBe(true);
    expect(await r.listMetrics()).toEqual(['first', 'second', 'third']);
    await r.close();
  });

  it('a log whose last record is garbled replays up to it, with one warning naming the file', async () => {
    const dir = tmp();
    const s = EmbeddedStore.open(dir);
    await s.append([{ name: 'kept', points: [[1, 1]] }]);
    await s.flush();
    await s.append([{ name: 'garbled', points: [[2, 2]] }]);
    await s.close();
    const seq = listSegments(dir).at(-1)!;
    const file = segmentPath(dir, seq);
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 2] ^= 0xff;
    fs.writeFileSync(file, bytes);
    const w = warnings();
    const r = EmbeddedStore.open(dir, { log: w.log });
    expect(w.lines).toHaveLength(1);
    expect(w.lines[0]).toMatch(
      new RegExp(
        `^${file.replace(/[.]/g, '\\.')} is damaged \\(checksum mismatch at byte \\d+\\): replayed the log up to there; \\d+ bytes not replayed$`,
      ),
    );
    expect(await r.listMetrics()).toEqual(['kept']);
    await r.append([{ name: 'after', points: [[3, 3]] }]);
    await r.close();
    const quiet = warnings();
    const t = EmbeddedStore.open(dir, { log: quiet.log });
    expect(quiet.lines).toEqual([]);
    expect(await t.listMetrics()).toEqual(['after', 'kept']);
    await t.close();
  });

  it('a log cut short mid-record is truncated to its last good record and appended to after it', async () => {
    const dir = tmp();
    const s = EmbeddedStore.open(dir);
    await s.append([{ name: 'kept', points: [[1, 1]] }]);
    await s.flush();
    await s.append([{ name: 'cut', points: [[2, 2]] }]);
    await s.close();
    const file = segmentPath(dir, listSegments(dir).at(-1)!);
    fs.truncateSync(file, fs.statSync(file).size - 3);
    const w = warnings();
    const r = EmbeddedStore.open(dir, { log: w.log });
    expect(w.lines).toHaveLength(1);
    expect(w.lines[0]).toMatch(
      /ends in a record cut short \(incomplete record at byte \d+\): replayed the \d+ bytes before it, \d+ dropped$/,
    );
    expect(w.lines[0]).toContain(file);
    await r.append([{ name: 'after', points: [[3, 3]] }]);
    await r.close();
    const t = EmbeddedStore.open(dir, { log: warnings().log });
    expect(await t.listMetrics()).toEqual(['after', 'kept']);
    await t.close();
  });

  it('opens a data dir written by the one-document snapshot of earlier versions', async () => {
    const dir = tmp();
    const codec = new Packr({ variableMapSize: true, useRecords: false });
    const window = Buffer.concat([codec.pack([10, 1]), codec.pack([20, 2])]);
    fs.writeFileSync(
      snapshotPath(dir),
      codec.pack({
        windows: { old: window },
        quarantine: {},
        torus: {},
        current: [],
        history: [],
        alerts: { 'old.metric': Date.now() / 1000 + 600 },
        collections: {},
        status: {},
      }),
    );
    const w = warnings();
    const s = EmbeddedStore.open(dir, { log: w.log });
    expect(w.lines).toEqual([]);
    expect(await pointsOf(s, 'old')).toEqual([10, 20]);
    expect(await s.claim('alert.old.metric', 60)).toBe(false);
    await s.append([{ name: 'old', points: [[30, 3]] }]);
    await s.compact();
    await s.close();
    const t = EmbeddedStore.open(dir);
    expect(await pointsOf(t, 'old')).toEqual([10, 20, 30]);
    await t.close();
  });

  it('appends racing compactions are all kept, each exactly once', async () => {
    const dir = tmp();
    const s = EmbeddedStore.open(dir, { commitMs: 5 });
    const pump = (async () => {
      for (let i = 0; i < 3000; i++) {
        await s.append([{ name: 'race', points: [[i, i]] }]);
        if (i % 20 === 0) await new Promise((r) => setImmediate(r));
      }
    })();
    await s.compact();
    await s.compact();
    await pump;
    await s.close();
    const t = EmbeddedStore.open(dir);
    // trim counts raw points, duplicates included (a window read would de-duplicate them).
    expect((await t.trim('race', 0)).kept).toBe(3000);
    await t.close();
  });

  it('a closed log damaged on disk while running is compacted from memory instead, losing nothing', async () => {
    const dir = tmp();
    const w = warnings();
    const s = EmbeddedStore.open(dir, { log: w.log });
    await s.append([{ name: 'before', points: [[1, 1]] }]);
    await s.append([{ name: 'damaged', points: [[2, 2]] }]);
    await s.flush();
    const file = segmentPath(dir, listSegments(dir).at(-1)!);
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 2] ^= 0xff;
    fs.writeFileSync(file, bytes);
    await s.append([{ name: 'after', points: [[3, 3]] }]);
    await s.compact();
    expect(w.lines[0]).toMatch(new RegExp(`^${file.replace(/[.]/g, '\\.')} is damaged \\(checksum mismatch`));
    expect(w.lines.at(-1)).toMatch(/^compaction: wrote the snapshot from memory instead/);
    await s.append([{ name: 'later', points: [[4, 4]] }]);
    await s.close();
    const quiet = warnings();
    const t = EmbeddedStore.open(dir, { log: quiet.log });
    expect(quiet.lines).toEqual([]);
    expect(await t.listMetrics()).toEqual(['after', 'before', 'damaged', 'later']);
    await t.close();
  });

  it('a compaction whose writer is gone (killed with -9) installs nothing and deletes no segment', async () => {
    const dir = await dirWithSnapshotAndLog();
    const segments = listSegments(dir);
    const snapshot = fs.readFileSync(snapshotPath(dir));
    const previous = fs.existsSync(previousSnapshotPath(dir));
    expect(compactOnDisk({ dir, upTo: segments.at(-1)! }, () => false)).toEqual({ warnings: [] });
    expect(listSegments(dir)).toEqual(segments);
    expect(fs.readFileSync(snapshotPath(dir)).equals(snapshot)).toBe(true);
    expect(fs.existsSync(previousSnapshotPath(dir))).toBe(previous);
    const t = EmbeddedStore.open(dir);
    expect(await pointsOf(t, 'a')).toHaveLength(50);
    expect(await pointsOf(t, 'b')).toHaveLength(10);
    await t.close();
  });
});
