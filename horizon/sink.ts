import type { RejectReason } from './validate.js';

/** Where decoders deliver what they read from one peer: candidate points, and rejects by reason. */
export interface Sink {
  /** A decoded candidate point, not yet validated. */
  point(name: unknown, ts: unknown, value: unknown, peer: string): void;
  /** Input refused before it became points; `count` points or frames are counted under `reason`. */
  reject(reason: RejectReason, peer: string, detail: string, count?: number): void;
}
