import type { RejectReason } from './validate.js';

/** Where decoders deliver what they read from one peer: candidate points, and rejects by reason. */
export interface Sink {
  /** A decoded candidate point, not yet validated. */
  point(name: unknown, ts: unknown, value: unknown, peer: string): void;
  /**
   * The same for a name still in the frame's bytes (`bytes[start, end)`, UTF-8, or latin1 when
   * `latin1`) and binary numbers: the relay fast path, so a name seen before costs no new string.
   */
  pointBytes(
    bytes: Uint8Array,
    start: number,
    end: number,
    latin1: boolean,
    ts: number,
    value: number,
    peer: string,
  ): void;
  /** Input refused before it became points; `count` points or frames are counted under `reason`. */
  reject(reason: RejectReason, peer: string, detail: string, count?: number): void;
}
