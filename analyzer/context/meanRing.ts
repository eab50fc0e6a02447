import { lowerBound } from '../stats/lowerBound.js';

/**
 * A ring of per-slot means over the last `slots` slots of `slotSeconds` each, rolled in from raw
 * windows as their slots close, stored as 8 + 4 × slots bytes (the newest slot id, then float32 means;
 * NaN = no points). It is filled from the raw window, so it needs the analyzer (or replay) to look at
 * the metric at least once per `fullDuration`; a slot it never saw stays empty and is skipped.
 */
export class MeanRing {
  private constructor(
    readonly slotSeconds: number,
    /** Slot id (epoch seconds ÷ slotSeconds) of the newest closed slot rolled in; −1 = none yet. */
    private newest: number,
    /** Mean of slot s at s mod slots. */
    private readonly means: Float32Array,
  ) {}

  static bytesFor(slots: number): number {
    return 8 + slots * 4;
  }

  static empty(slotSeconds: number, slots: number): MeanRing {
    return new MeanRing(slotSeconds, -1, new Float32Array(slots).fill(NaN));
  }

  /** A stored ring of this shape; an empty one when absent or of another size. */
  static decode(bytes: Uint8Array | null | undefined, slotSeconds: number, slots: number): MeanRing {
    if (!bytes || bytes.length !== MeanRing.bytesFor(slots)) return MeanRing.empty(slotSeconds, slots);
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const means = new Float32Array(slots);
    for (let k = 0; k < slots; k++) means[k] = dv.getFloat32(8 + 4 * k, true);
    return new MeanRing(slotSeconds, dv.getFloat64(0, true), means);
  }

  encode(): Uint8Array {
    const slots = this.means.length;
    const bytes = new Uint8Array(MeanRing.bytesFor(slots));
    const dv = new DataView(bytes.buffer);
    dv.setFloat64(0, this.newest, true);
    for (let k = 0; k < slots; k++) dv.setFloat32(8 + 4 * k, this.means[k], true);
    return bytes;
  }

  /**
   * Rolls in the slots the window has closed since the last call: every slot before the newest
   * point's slot and after the newest rolled in. Returns whether the ring changed.
   */
  absorb(timestamps: Float64Array, values: Float64Array): boolean {
    const n = timestamps.length;
    if (n === 0) return false;
    const slots = this.means.length;
    const size = this.slotSeconds;
    const current = Math.floor(timestamps[n - 1] / size);
    const first = Math.max(this.newest + 1, current - slots, Math.floor(timestamps[0] / size));
    if (first >= current) return false;
    for (let s = Math.max(this.newest + 1, current - slots); s < first; s++) this.means[s % slots] = NaN;
    let i = lowerBound(timestamps, first * size);
    for (let s = first; s < current; s++) {
      const end = (s + 1) * size;
      let sum = 0;
      let count = 0;
      for (; i < n && timestamps[i] < end; i++) {
        if (Number.isFinite(values[i])) {
          sum += values[i];
          count++;
        }
      }
      this.means[s % slots] = count ? sum / count : NaN;
    }
    this.newest = current - 1;
    return true;
  }

  /** Slot starts and means of the slots that ended by `before`, oldest first; null when there are none. */
  closedBefore(before: number): { timestamps: Float64Array; values: Float64Array } | null {
    const slots = this.means.length;
    const ts: number[] = [];
    const vs: number[] = [];
    for (let s = this.newest - slots + 1; s <= this.newest; s++) {
      if (s < 0 || (s + 1) * this.slotSeconds > before) continue;
      const m = this.means[s % slots];
      if (Number.isNaN(m)) continue;
      ts.push(s * this.slotSeconds);
      vs.push(m);
    }
    return ts.length ? { timestamps: Float64Array.from(ts), values: Float64Array.from(vs) } : null;
  }
}
