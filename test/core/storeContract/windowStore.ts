import { describe, expect, it } from 'vitest';
import type { WindowStore } from '../../../core/store/store.js';
import { openWriterConnection } from '../../../core/store/writerConnection.js';
import type { RoleHarness } from './harness.js';

/** `rawWrite` puts bytes straight under a metric key, as a foreign tool would (the quarantine case). */
export interface WindowHarness extends RoleHarness<WindowStore> {
  rawWrite(store: WindowStore, name: string, bytes: Buffer): Promise<void>;
}

/** What horizon's writer, roomba, the analyzer and the readers rely on in the raw windows. */
export function windowStoreContract(h: WindowHarness): void {
  describe('WindowStore', () => {
    it('appends points and reads the window back sorted, de-duplicated, last write wins', async () => {
      const s = await h.open();
      await s.append([
        {
          name: 'a.b',
          points: [
            [30, 3],
            [10, 1],
          ],
        },
      ]);
      await s.append([
        {
          name: 'a.b',
          points: [
            [20, 2],
            [10, 11],
          ],
        },
        { name: 'c', points: [[5, 0.5]] },
      ]);
      const [ab, c, missing] = await s.readWindows(['a.b', 'c', 'nope']);
      expect(Array.from(ab!.timestamps)).toEqual([10, 20, 30]);
      expect(Array.from(ab!.values)).toEqual([11, 2, 3]);
      expect(Array.from(c!.values)).toEqual([0.5]);
      expect(missing).toBeNull();
      expect(await s.listMetrics()).toEqual(['a.b', 'c']);
      await s.close();
    });

    it('keeps fractional and negative values and large timestamps exactly', async () => {
      const s = await h.open();
      const pts: Array<[number, number]> = [
        [1_700_000_000, -1.25],
        [1_700_000_060.5, 1e-300],
        [1_700_000_120, 2 ** 40],
      ];
      await s.append([{ name: 'x', points: pts }]);
      const [w] = await s.readWindows(['x']);
      expect(Array.from(w!.timestamps)).toEqual(pts.map((p) => p[0]));
      expect(Array.from(w!.values)).toEqual(pts.map((p) => p[1]));
      await s.close();
    });

    it('trims old points, forgets metrics left empty, and reports counts', async () => {
      const s = await h.open();
      await s.append([
        {
          name: 'keep',
          points: [
            [100, 1],
            [200, 2],
            [300, 3],
          ],
        },
        { name: 'dead', points: [[50, 1]] },
      ]);
      expect(await s.trim('keep', 200)).toEqual({
        kept: 2,
        removed: 1,
        forgotten: false,
        quarantined: false,
      });
      expect(await s.trim('dead', 200)).toEqual({ kept: 0, removed: 1, forgotten: true, quarantined: false });
      expect(await s.listMetrics()).toEqual(['keep']);
      const [w] = await s.readWindows(['keep']);
      expect(Array.from(w!.timestamps)).toEqual([200, 300]);
      await s.close();
    });

    it('never loses a point appended while trims run', async () => {
      const s = await h.open();
      const old: Array<[number, number]> = Array.from({ length: 2000 }, (_, i) => [i, i]);
      await s.append([{ name: 'busy', points: old }]);
      const appends: Promise<void>[] = [];
      const trims: Promise<unknown>[] = [];
      for (let i = 0; i < 500; i++) {
        appends.push(s.append([{ name: 'busy', points: [[10_000 + i, i]] }]));
        if (i % 25 === 0) trims.push(s.trim('busy', 1000 + i));
      }
      await Promise.all([...appends, ...trims]);
      await s.trim('busy', 5000);
      const [w] = await s.readWindows(['busy']);
      expect(w!.timestamps.length).toBe(500);
      expect(Array.from(w!.timestamps)).toEqual(Array.from({ length: 500 }, (_, i) => 10_000 + i));
      await s.close();
    });

    it('quarantines an undecodable window instead of deleting it', async () => {
      const s = await h.open();
      await h.rawWrite(s, 'broken', Buffer.from([0x92, 0x01, 0xc1, 0xff, 0x00]));
      const r = await s.trim('broken', 0);
      expect(r.quarantined).toBe(true);
      expect(await s.listMetrics()).not.toContain('broken');
      expect((await s.readWindows(['broken']))[0]).toBeNull();
      await s.close();
    });

    it('takes points grouped in columns as append takes the same points as tuples', async () => {
      const s = await h.open();
      await s.append([{ name: 'g.a', points: [[5, 50]] }]);
      await s.appendGrouped({
        names: ['g.a', 'g.b'],
        starts: Int32Array.from([0, 2, 3]),
        ts: Float64Array.from([20, 10, 7]),
        values: Float64Array.from([2, 1, 0.7]),
      });
      await s.appendGrouped({
        names: [],
        starts: Int32Array.from([0]),
        ts: new Float64Array(0),
        values: new Float64Array(0),
      });
      const [a, b] = await s.readWindows(['g.a', 'g.b']);
      expect(Array.from(a!.timestamps)).toEqual([5, 10, 20]);
      expect(Array.from(a!.values)).toEqual([50, 1, 2]);
      expect(Array.from(b!.values)).toEqual([0.7]);
      expect(await s.listMetrics()).toEqual(['g.a', 'g.b']);
      await s.close();
    });

    it('offers a writer connection that reaches the same windows, or none when written in place', async () => {
      const s = await h.open();
      const connection = s.writerConnection();
      // Only the embedded store, which lives in this thread's memory, is written from the thread holding it.
      expect(connection === null).toBe(s.kind === 'embedded');
      if (connection) {
        const own = openWriterConnection(structuredClone(connection));
        await own.appendGrouped({
          names: ['w.a'],
          starts: Int32Array.from([0, 2]),
          ts: Float64Array.from([10, 20]),
          values: Float64Array.from([1, 2]),
        });
        own.disconnect();
        const [a] = await s.readWindows(['w.a']);
        expect(Array.from(a!.timestamps)).toEqual([10, 20]);
        expect(await s.listMetrics()).toEqual(['w.a']);
      }
      await s.close();
    });

    it('takes append batches far larger than one server-side call', async () => {
      const s = await h.open();
      const n = 30_000;
      await s.append(
        Array.from({ length: n }, (_, i) => ({
          name: `big.${i}`,
          points: [[100, i]] as Array<[number, number]>,
        })),
      );
      expect(await s.listMetrics()).toHaveLength(n);
      const windows = await s.readWindows([`big.0`, `big.${n - 1}`]);
      expect(windows.map((w) => w?.values[0])).toEqual([0, n - 1]);
      await s.close();
    });
  });
}
