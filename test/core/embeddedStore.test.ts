import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../core/store/embeddedStore.js';
import type { EmbeddedState } from '../../core/store/embedded/state.js';
import { listSegments, snapshotPath } from '../../core/store/embedded/layout.js';
import { storeContract } from './storeContract/index.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'kale-embedded-'));

storeContract('embedded', {
  open: async () => EmbeddedStore.open(tmp()),
  rawWrite: async (store, name, bytes) => {
    // A foreign writer's bytes, put straight into the windows as no append would.
    (store as unknown as { state: EmbeddedState }).state.windows.set(name, [bytes]);
  },
});

describe('embedded store persistence', () => {
  it('survives a restart with windows, torus, anomalies, claims, state and collections intact', async () => {
    const dir = tmp();
    const a = EmbeddedStore.open(dir);
    await a.append([
      {
        name: 'p',
        points: [
          [1, 1],
          [2, 2],
        ],
      },
    ]);
    await a.torusWrite([{ type: 'count', key: 'k', value: 3, expireAt: Date.now() / 1000 + 60 }]);
    await a.recordAnomalies(
      [
        {
          metric: 'p',
          timestamp: 2,
          value: 2,
          preset: 'default',
          votes: {},
          score: 1,
          episode: 'e',
          detectedAt: Date.now() / 1000,
        },
      ],
      3600,
    );
    await a.saveCollection({
      id: 'c',
      title: 't',
      description: '',
      metric: 'p',
      points: [[1, 1]],
      createdAt: 1,
    });
    await a.claim('alert.p', 60);
    await a.writeMetricState('calibration', [['p', Uint8Array.of(7, 8)]], 60);
    await a.putStatus('horizon', { up: true });
    await a.close();

    const b = EmbeddedStore.open(dir);
    const [w] = await b.readWindows(['p']);
    expect(Array.from(w!.values)).toEqual([1, 2]);
    expect(await b.torusRead('count', ['k'])).toEqual([{ type: 'count', total: 3 }]);
    expect((await b.currentAnomalies())[0].metric).toBe('p');
    expect((await b.listCollections())[0].id).toBe('c');
    expect(await b.claim('alert.p', 60)).toBe(false);
    expect(Array.from((await b.readMetricState('calibration', ['p']))[0]!)).toEqual([7, 8]);
    expect(await b.getStatus()).toEqual({ horizon: { up: true } });
    await b.close();
  });

  it('replays the log on top of a compacted snapshot, trims and quarantines included', async () => {
    const dir = tmp();
    const a = EmbeddedStore.open(dir);
    await a.append([
      {
        name: 'kept',
        points: [
          [100, 1],
          [200, 2],
        ],
      },
      { name: 'gone', points: [[50, 1]] },
    ]);
    await a.compact();
    expect(fs.existsSync(snapshotPath(dir))).toBe(true);
    await a.trim('kept', 150);
    await a.trim('gone', 150);
    await a.append([{ name: 'kept', points: [[300, 3]] }]);
    await a.compact();
    await a.append([{ name: 'late', points: [[400, 4]] }]);
    await a.close();
    // Two compactions: the newest snapshot, the one before it, and only the log segments they need.
    expect(fs.existsSync(`${snapshotPath(dir)}.prev`)).toBe(true);
    expect(listSegments(dir).length).toBeLessThanOrEqual(3);

    const b = EmbeddedStore.open(dir);
    expect(await b.listMetrics()).toEqual(['kept', 'late']);
    const [w] = await b.readWindows(['kept']);
    expect(Array.from(w!.timestamps)).toEqual([200, 300]);
    await b.close();
  });

  it('a second store on a held data dir reads it as of its last commit and refuses to write', async () => {
    const dir = tmp();
    const running = EmbeddedStore.open(dir);
    await running.append([{ name: 'old', points: [[1, 1]] }]);
    await running.flush();
    const reader = EmbeddedStore.open(dir);
    expect(reader.loadedSnapshotAt).toBeGreaterThan(0);
    expect(await reader.listMetrics()).toEqual(['old']);
    await expect(reader.append([{ name: 'mine', points: [[2, 2]] }])).rejects.toThrow(
      /data dir .* is in use by kale process \d+: this process only reads it and refuses to write/,
    );
    await expect(reader.ping()).rejects.toThrow(/in use by kale process/);
    await running.append([{ name: 'new', points: [[2, 2]] }]);
    await reader.close();
    await running.close();
    const after = EmbeddedStore.open(dir);
    expect(await after.listMetrics()).toEqual(['new', 'old']);
    await after.close();
    const fresh = EmbeddedStore.open(tmp());
    expect(fresh.loadedSnapshotAt).toBeUndefined();
    await fresh.close();
  });
});

describe('embedded store at scale', () => {
  it('snapshots and restores more than 65,535 metrics', async () => {
    const dir = tmp();
    const a = EmbeddedStore.open(dir);
    const n = 70_000;
    await a.append(
      Array.from({ length: n }, (_, i) => ({ name: `m${i}`, points: [[1, i]] as Array<[number, number]> })),
    );
    await a.compact();
    await a.close();
    const b = EmbeddedStore.open(dir);
    const names = await b.listMetrics();
    expect(names).toHaveLength(n);
    const [last] = await b.readWindows([`m${n - 1}`]);
    expect(Array.from(last!.values)).toEqual([n - 1]);
    await b.close();
  });
});
