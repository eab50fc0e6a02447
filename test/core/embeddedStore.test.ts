import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../core/store/embeddedStore.js';
import { storeContract } from './storeContract.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'kale-embedded-'));

storeContract('embedded', {
  open: async () => EmbeddedStore.open(tmp()),
  rawWrite: async (store, name, bytes) => {
    // A foreign writer's bytes go in through the same path as a restored snapshot would.
    const s = store as unknown as { windows: Map<string, Buffer[]> };
    s.windows.set(name, [bytes]);
  },
});

describe('embedded store persistence', () => {
  it('survives a restart with windows, torus, anomalies and collections intact', async () => {
    const dir = tmp();
    const a = EmbeddedStore.open(dir);
    await a.append([{ name: 'p', points: [[1, 1], [2, 2]] }]);
    await a.torusWrite([{ type: 'count', key: 'k', value: 3, expireAt: Date.now() / 1000 + 60 }]);
    await a.recordAnomalies([{ metric: 'p', timestamp: 2, value: 2, preset: 'default', votes: {}, score: 1, episode: 'e', detectedAt: Date.now() / 1000 }], 3600);
    await a.saveCollection({ id: 'c', title: 't', description: '', metric: 'p', points: [[1, 1]], createdAt: 1 });
    await a.close();

    const b = EmbeddedStore.open(dir);
    const [w] = await b.readWindows(['p']);
    expect(Array.from(w!.values)).toEqual([1, 2]);
    expect(await b.torusRead('count', ['k'])).toEqual([{ type: 'count', total: 3 }]);
    expect((await b.currentAnomalies())[0].metric).toBe('p');
    expect((await b.listCollections())[0].id).toBe('c');
    await b.close();
  });

  it('snapshots periodically while running, not only on close', async () => {
    const dir = tmp();
    const a = EmbeddedStore.open(dir, 50);
    await a.append([{ name: 'q', points: [[1, 1]] }]);
    await new Promise((r) => setTimeout(r, 200));
    expect(fs.existsSync(path.join(dir, 'kale-store.msgpack'))).toBe(true);
    const b = EmbeddedStore.open(dir);
    expect(await b.listMetrics()).toEqual(['q']);
    await a.close();
    await b.close();
  });

  it('a process that only read does not put its older snapshot back over a newer one', async () => {
    const dir = tmp();
    const running = EmbeddedStore.open(dir);
    await running.append([{ name: 'old', points: [[1, 1]] }]);
    running.snapshot();
    const reader = EmbeddedStore.open(dir);
    expect(reader.loadedSnapshotAt).toBeGreaterThan(0);
    expect(await reader.listMetrics()).toEqual(['old']);
    await running.append([{ name: 'new', points: [[2, 2]] }]);
    await running.close();
    await reader.close();
    const after = EmbeddedStore.open(dir);
    expect(await after.listMetrics()).toEqual(['new', 'old']);
    await after.close();
    expect(EmbeddedStore.open(tmp()).loadedSnapshotAt).toBeUndefined();
  });
});

describe('embedded store at scale', () => {
  it('snapshots and restores more than 65,535 metrics', async () => {
    const dir = tmp();
    const a = EmbeddedStore.open(dir);
    const n = 70_000;
    await a.append(Array.from({ length: n }, (_, i) => ({ name: `m${i}`, points: [[1, i]] as Array<[number, number]> })));
    await a.close();
    const b = EmbeddedStore.open(dir);
    const names = await b.listMetrics();
    expect(names).toHaveLength(n);
    const [last] = await b.readWindows([`m${n - 1}`]);
    expect(Array.from(last!.values)).toEqual([n - 1]);
    await b.close();
  });
});
