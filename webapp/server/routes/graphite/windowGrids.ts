import { averageSlots } from './series.js';
import { decodeWindowScratch } from './windowScratch.js';

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
  /** Shared with every render that reads the same window onto the same grid: never written to. */
  readonly values: Float64Array;
}

const sizeOf = (g: Gridded) => g.bytes.length + g.values.byteLength;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));
}

/**
 * Raw windows onto a render's grid. Decoding and gridding the windows was most of what a glob's
 * render spent once its text was kept (1.4 million points for a day of 1,000 one-minute metrics),
 * and dashboards ask for the same windows again and again between two writes of horizon's. So the
 * slots of each metric's last render are kept (by name, within GRIDS_MEMORY_BYTES, least recently
 * read dropped first) with the bytes they came from, and given again when the window read now is
 * byte for byte the same and the grid is the same: the answer never depends on what was kept.
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
    const same = before !== undefined && sameBytes(before.bytes, bytes);
    let w = same ? undefined : decodeWindowScratch(bytes);
    if (!same && (!w || w.timestamps.length === 0)) return undefined;
    const nativeStep = same ? before.nativeStep : nativeStepOf(w!.timestamps);
    const grid = gridFor(nativeStep);
    if (same && before.start === grid.start && before.step === grid.step && before.length === grid.length) {
      // Most recently read last, so the oldest are dropped first.
      this.kept.delete(name);
      this.kept.set(name, before);
      return { grid, values: before.values };
    }
    w ??= decodeWindowScratch(bytes)!;
    const values = averageSlots(w.timestamps, w.values, grid.start, grid.step, grid.length);
    // A copy of the bytes: the reply's may be a slice of a larger socket buffer.
    this.keep(name, { ...grid, bytes: same ? before.bytes : bytes.slice(), nativeStep, values });
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

/** The metric's own step: the median gap of its last points (1 s at least, 60 s with fewer than two). */
function nativeStepOf(ts: Float64Array): number {
  const gaps: number[] = [];
  for (let i = Math.max(1, ts.length - 100); i < ts.length; i++) gaps.push(ts[i] - ts[i - 1]);
  if (gaps.length === 0) return 60;
  gaps.sort((a, b) => a - b);
  return Math.max(1, Math.round(gaps[gaps.length >> 1]));
}
