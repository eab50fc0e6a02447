import { grownArray } from '../../core/grownArray.js';
import type { Sink } from '../sink.js';

/**
 * The records a byte-scanning decoder (carbonPickle.ts, msgpackRecords.ts) has read from the frame in
 * hand: names as byte ranges of the frame, numbers as read. Delivered only once the whole frame has
 * the shape, so a frame that turns out otherwise goes to the general decoder with nothing counted twice.
 * One per decoder module, reused for every frame.
 */
export class FrameRecords {
  count = 0;
  private nameStarts = new Uint32Array(256);
  private nameEnds = new Uint32Array(256);
  private latin1 = new Uint8Array(256);
  private timestamps = new Float64Array(256);
  private values = new Float64Array(256);

  /** Starts a frame of up to `expected` records (more grow the columns). */
  reset(expected = 0): void {
    this.count = 0;
    this.reserve(expected);
  }

  /** Starts the next record with its name, `frame[start, end)` (UTF-8, or latin1 for pickle BINSTRING). */
  name(start: number, end: number, latin1 = false): void {
    this.reserve(this.count + 1);
    this.nameStarts[this.count] = start;
    this.nameEnds[this.count] = end;
    this.latin1[this.count] = latin1 ? 1 : 0;
  }

  /** Completes the record begun by `name`. */
  numbers(ts: number, value: number): void {
    this.timestamps[this.count] = ts;
    this.values[this.count] = value;
    this.count++;
  }

  deliver(frame: Uint8Array, sink: Sink, peer: string): void {
    for (let i = 0; i < this.count; i++) {
      sink.pointBytes(
        frame,
        this.nameStarts[i],
        this.nameEnds[i],
        this.latin1[i] === 1,
        this.timestamps[i],
        this.values[i],
        peer,
      );
    }
  }

  private reserve(n: number): void {
    if (n <= this.nameStarts.length) return;
    this.nameStarts = grownArray(this.nameStarts, n);
    this.nameEnds = grownArray(this.nameEnds, n);
    this.latin1 = grownArray(this.latin1, n);
    this.timestamps = grownArray(this.timestamps, n);
    this.values = grownArray(this.values, n);
  }
}
