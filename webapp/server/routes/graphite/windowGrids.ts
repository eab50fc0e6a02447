import type { Series } from '../../../../core/store/store.js';
import { averageSlots } from './series.js';
import { decodeUsualScratch, decodeWindowScratch } from './windowScratch.js';

/**
 * Bytes kept of windows already gridded. A day of 1,000 one-minute metrics keeps about 33 MB (22 MB
 * of window bytes, 11 MB of slots).
 */
export const GRIDS_MEMORY_BYTES = 64 * 1024 * 1024;

/** Where a raw window's points go: `length` slots of `step` seconds from `start`. */
export interface Grid {
  readonly start: number;
  readonly step: number;
  readonly length: number;
}

/** One metric as last gridded: the window's bytes, its own step, and the slots on that grid. */
interface Gridded extends Grid {
  readonly bytes: Uint8Array;
  readonly nativeStep: number;
  /** The window's last RECENT timestamps, when its bytes are Skyline's usual ones (else undefined). */
  readonly recent: Float64Array | undefined;
  /** Shared with every render that reads the same window onto the same grid: never written to. */
  readonly values: Float64Array;
}

const sizeOf = (g: Gridded) => g.bytes.length + g.values.byteLength + (g.recent?.byteLength ?? 0);

/** Timestamps the native step is the median gap of. */
const RECENT = 101;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
}

/**
 * Raw windows onto a render's grid. Decoding and gridding the windows was most of what a glob's
 * render spent once its text was kept (1.4 million points for a day of 1,000 one-minute metrics),
 * and dashboards ask for the same windows again and again. So the slots of each metric's last render
 * are kept (by name, within GRIDS_MEMORY_BYTES, least recently read dropped first) with the bytes
 * they came from, and used again:
 * - the window read now is byte for byte the same, on the same grid: the same slots;
 * - it is the same bytes with points appended after every kept slot (horizon's APPENDs between two
 *   refreshes), on the same step moved on by whole slots: the kept slots it still covers, and only the
 *   appended points decoded and gridded into the slots after them.
 * Anything else is decoded and gridded afresh. Each answer is what decoding the whole window gives.
 */
export class WindowGrids {
  private readonly kept = new Map<string, Gridded>();
  private keptBytes = 0;

  constructor(private readonly memoryBytes = GRIDS_MEMORY_BYTES) {}

  /**
   * The window `bytes` of metric `name` averaged onto the grid `gridFor` gives for the window's own
   * step; undefined for a window without points or one that does not decode (skipped, as
   * `readWindows` skips it).
   */
  slots(
    name: string,
    bytes: Uint8Array,
    gridFor: (nativeStep: number) => Grid,
  ): { grid: Grid; values: Float64Array } | undefined {
    const before = this.kept.get(name);
    if (before && sameBytes(before.bytes, bytes)) {
      const grid = gridFor(before.nativeStep);
      if (before.start === grid.start && before.step === grid.step && before.length === grid.length) {
        // Most recently read last, so the oldest are dropped first.
        this.kept.delete(name);
        this.kept.set(name, before);
        return { grid, values: before.values };
      }
      return this.gridded(
        name,
        bytes,
        before.bytes,
        decodeWindowScratch(bytes)!,
        before.nativeStep,
        grid,
        before.recent,
      );
    }
    const appended = before?.recent && appendedTo(before, bytes);
    if (appended) {
      const recent = lastOf(before!.recent!, appended.timestamps);
      const nativeStep = nativeStepOf(recent);
      const grid = gridFor(nativeStep);
      const values = extended(before!, appended, grid);
      if (values) {
        this.keep(name, { ...grid, bytes: bytes.slice(), nativeStep, recent, values });
        return { grid, values };
      }
      // Kept bytes and appended ones both usual, the appended later: the whole window is usual.
      return this.gridded(name, bytes, undefined, decodeUsualScratch(bytes)!, nativeStep, grid, recent);
    }
    const usual = decodeUsualScratch(bytes);
    const w = usual ?? decodeWindowScratch(bytes);
    if (!w || w.timestamps.length === 0) return undefined;
    const nativeStep = nativeStepOf(w.timestamps);
    const recent = usual && lastOf(new Float64Array(0), usual.timestamps);
    return this.gridded(name, bytes, undefined, w, nativeStep, gridFor(nativeStep), recent);
  }

  /** `w` (the window `bytes`) averaged onto `grid`, kept. */
  private gridded(
    name: string,
    bytes: Uint8Array,
    keptBytes: Uint8Array | undefined,
    w: Series,
    nativeStep: number,
    grid: Grid,
    recent: Float64Array | undefined,
  ): { grid: Grid; values: Float64Array } {
    const values = averageSlots(w.timestamps, w.values, grid.start, grid.step, grid.length);
    // A copy of the bytes: the reply's may be a slice of a larger socket buffer.
    this.keep(name, { ...grid, bytes: keptBytes ?? bytes.slice(), nativeStep, recent, values });
    return { grid, values };
  }

  private keep(name: string, g: Gridded): void {
    const before = this.kept.get(name);
    if (before) {
      this.kept.delete(name);
      this.keptBytes -= sizeOf(before);
    }
    if (sizeOf(g) > this.memoryBytes) return;
    this.kept.set(name, g);
    this.keptBytes += sizeOf(g);
    for (const [k, old] of this.kept) {
      if (this.keptBytes <= this.memoryBytes) break;
      this.kept.delete(k);
      this.keptBytes -= sizeOf(old);
    }
  }
}

/**
 * The points appended to the kept window's bytes, when `bytes` is them followed by Skyline's usual
 * points all later than the kept window's last; else undefined.
 */
function appendedTo(before: Gridded, bytes: Uint8Array): Series | undefined {
  const n = before.bytes.length;
  if (bytes.length <= n || !sameBytes(before.bytes, bytes.subarray(0, n))) return undefined;
  const tail = decodeUsualScratch(bytes.subarray(n));
  const last = before.recent![before.recent!.length - 1];
  return tail && tail.timestamps[0] > last ? tail : undefined;
}

/**
 * The slots of the kept window plus `appended` on `grid`, from the kept slots where they hold every
 * point they can (every kept point lies before the kept grid's end, every appended one at or after
 * it): undefined when the grid is not the kept one's step moved by whole slots, or a point is not
 * where that needs it.
 */
function extended(before: Gridded, appended: Series, grid: Grid): Float64Array | undefined {
  const { step } = grid;
  const keptEnd = before.start + before.length * step;
  const shift = (grid.start - before.start) / step;
  const lastKept = before.recent![before.recent!.length - 1];
  if (grid.step !== before.step || !Number.isInteger(shift) || shift < 0) return undefined;
  if (lastKept >= keptEnd || appended.timestamps[0] < keptEnd) return undefined;
  const copied = Math.min(grid.length, Math.max(0, before.length - shift));
  const values = new Float64Array(grid.length);
  values.set(before.values.subarray(shift, shift + copied));
  const from = grid.start + copied * step;
  values.set(averageSlots(appended.timestamps, appended.values, from, step, grid.length - copied), copied);
  return values;
}

/** The last RECENT of `earlier` followed by `later`. */
function lastOf(earlier: Float64Array, later: Float64Array): Float64Array {
  const fromLater = Math.min(RECENT, later.length);
  const fromEarlier = Math.min(RECENT - fromLater, earlier.length);
  const out = new Float64Array(fromEarlier + fromLater);
  out.set(earlier.subarray(earlier.length - fromEarlier));
  out.set(later.subarray(later.length - fromLater), fromEarlier);
  return out;
}

/** The metric's own step: the median gap of its last points (1 s at least, 60 s with fewer than two). */
function nativeStepOf(ts: Float64Array): number {
  const gaps: number[] = [];
  for (let i = Math.max(1, ts.length - 100); i < ts.length; i++) gaps.push(ts[i] - ts[i - 1]);
  if (gaps.length === 0) return 60;
  gaps.sort((a, b) => a - b);
  return Math.max(1, Math.round(gaps[gaps.length >> 1]));
}
