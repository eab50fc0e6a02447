import { pack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import type { WindowStore } from '../../../core/store/store.js';
import { encodePoints } from '../../../core/store/windowCodec.js';
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

    it('leaves a window with nothing expired byte for byte as it was', async () => {
      const s = await h.open();
      const pts: Array<[number, number]> = Array.from({ length: 300 }, (_, i) => [1_800_000_000 + i, i / 3]);
      await s.append([{ name: 'fresh', points: pts }]);
      const [before] = await s.readRawWindows(['fresh']);
      expect(await s.trim('fresh', 1_800_000_000)).toEqual({
        kept: 300,
        removed: 0,
        forgotten: false,
        quarantined: false,
      });
      const [after] = await s.readRawWindows(['fresh']);
      expect(Buffer.from(after!)).toEqual(Buffer.from(before!));
      await s.close();
    });

    it('cuts an expired prefix exactly, keeping the bytes of every later point', async () => {
      const s = await h.open();
      // Thirty points a second sharing a timestamp, as a busy metric's window holds them.
      const pts: Array<[number, number]> = Array.from({ length: 600 }, (_, i) => [
        1_800_000_000 + Math.floor(i / 30),
        i + 0.5,
      ]);
      await s.append([{ name: 'busy.prefix', points: pts }]);
      const [before] = await s.readRawWindows(['busy.prefix']);
      expect(await s.trim('busy.prefix', 1_800_000_005)).toEqual({
        kept: 450,
        removed: 150,
        forgotten: false,
        quarantined: false,
      });
      const [after] = await s.readRawWindows(['busy.prefix']);
      expect(Buffer.from(after!)).toEqual(Buffer.from(before!).subarray(150 * 15));
      await s.close();
    });

    it('trims a late point that arrived after kept ones, keeping the rest in their order', async () => {
      const s = await h.open();
      await s.append([
        {
          name: 'late',
          points: [
            [300, 1],
            [100, 2],
            [400, 3],
            [150, 4],
            [500, 5],
          ],
        },
      ]);
      expect(await s.trim('late', 200)).toEqual({
        kept: 3,
        removed: 2,
        forgotten: false,
        quarantined: false,
      });
      const [raw] = await s.readRawWindows(['late']);
      expect(Buffer.from(raw!)).toEqual(
        encodePoints([
          [300, 1],
          [400, 3],
          [500, 5],
        ]),
      );
      await s.close();
    });

    it('reads every msgpack number form a timestamp or value may take, and expires a NaN timestamp', async () => {
      const s = await h.open();
      const values = [
        0,
        127,
        -1,
        -32,
        -33,
        200,
        -200,
        60_000,
        -60_000,
        2 ** 31,
        -(2 ** 31),
        2 ** 40,
        1.5,
        -0,
      ];
      const pts: Array<[number, number]> = [
        [5, 1],
        [NaN, 1],
        [1_700_000_000.5, 2],
        ...values.map((v, i): [number, number] => [1_800_000_000 + i, v]),
        [250, 3],
        [60_000, 4],
      ];
      await s.append([{ name: 'forms', points: pts }]);
      const kept = pts.filter(([ts]) => ts >= 200);
      expect(await s.trim('forms', 200)).toEqual({
        kept: kept.length,
        removed: 2,
        forgotten: false,
        quarantined: false,
      });
      const [raw] = await s.readRawWindows(['forms']);
      expect(Buffer.from(raw!)).toEqual(encodePoints(kept));
      await s.close();
    });

    it('trims points of shapes other than [ts, value] by their timestamp, keeping their bytes', async () => {
      const s = await h.open();
      // A foreign writer's points: a third element, a nil value, a float32 timestamp.
      const oldPoint = pack([100, 1]);
      const kept = Buffer.concat([
        pack([300, 2, 'x']),
        pack([400, null]),
        Buffer.from('92ca43fa000001', 'hex'),
      ]);
      await h.rawWrite(s, 'foreign', Buffer.concat([oldPoint, kept]));
      expect(await s.trim('foreign', 200)).toEqual({
        kept: 3,
        removed: 1,
        forgotten: false,
        quarantined: false,
      });
      const [raw] = await s.readRawWindows(['foreign']);
      expect(Buffer.from(raw!)).toEqual(kept);
      await s.close();
    });

    it('quarantines a window whose points decode but whose tail is cut off, trimming nothing', async () => {
      const s = await h.open();
      const good = encodePoints(
        Array.from({ length: 100 }, (_, i): [number, number] => [1_800_000_000 + i, i + 0.5]),
      );
      const tails = {
        // 0x92, then a uint32 timestamp missing two of its bytes.
        'cut.ts': [0x92, 0xce, 0x6b, 0x49],
        // A whole uint32 timestamp (1,800,000,256: not expired), then a float64 missing five of its bytes.
        'cut.value': [0x92, 0xce, 0x6b, 0x49, 0xd3, 0x00, 0xcb, 0x40, 0x59, 0x00],
      };
      for (const [name, tail] of Object.entries(tails)) {
        await h.rawWrite(s, name, Buffer.concat([good, Buffer.from(tail)]));
        expect(await s.trim(name, 1_800_000_050)).toEqual({
          kept: 0,
          removed: 0,
          forgotten: false,
          quarantined: true,
        });
        expect(await s.listMetrics()).not.toContain(name);
        expect((await s.readRawWindows([name]))[0]).toBeNull();
      }
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
