import { fnv1a } from '../../core/fnv1a.js';
import { BINS, SKETCH_BYTES, TailSketch } from './tailSketch.js';

/**
 * What the calibrated analysis keeps per metric between rows (live: between cycles, in the Store;
 * replay: in memory): one evidence sketch per detector, the open incident and the spans of the ones
 * before it. Encoded as a fixed little-endian layout:
 *
 *   0  u8   version (4)
 *   1  u8   detectors k
 *   2  u32  line-up signature (a state from another line-up is discarded, not misread)
 *   6  f64  timestamp of the last row judged (a row is counted once however many cycles see it)
 *   14 f64  incident start (NaN = none)
 *   22 f64  last excited row of the incident
 *   30 f32  peak rarity of the incident (−log10 p)
 *   34 u8   1 when the incident has been flagged (it pages once)
 *   35 u8   length of the current run of unusual rows (capped at 255)
 *   36 f32  peak rarity of that run
 *   40      PAST_INCIDENTS × (u32 start, u32 last excited row), seconds; start 0 = empty, oldest first
 *   168     k sketches of 66 bytes
 *
 * 168 + 66 k bytes: 564 for the default preset's six detectors. A state of another version starts
 * afresh (a new metric's warm-up), it is not misread.
 */
const VERSION = 4;
/**
 * Incidents remembered after they close, so a seasonal detector knows when its reference (a day or a
 * week earlier) was one (analyzer/calibration/seasonalEchoes.ts). Sixteen hold a week of an hourly or
 * five-minute metric's incidents at the rate noise alone opens them on an hourly one (1 row in 100:
 * under 2 a week) with room for real ones; a one-minute metric's noise opens some 100 a week, so
 * there they reach back about a day.
 */
export const PAST_INCIDENTS = 16;
const PAST_AT = 40;
const HEADER = PAST_AT + 8 * PAST_INCIDENTS;
const MAX_RUN = 0xff;
const MAX_U32 = 0xffffffff;

export interface Incident {
  start: number;
  lastExcited: number;
  peak: number;
  flagged: boolean;
}

export class MetricState {
  constructor(
    readonly signature: number,
    readonly sketches: TailSketch[],
    public lastJudged: number,
    public incident: Incident | null,
    /** Consecutive rows up to the last judged one that were unusual (calibrate.ts: UNUSUAL). */
    public unusualRun = 0,
    /** The highest rarity in that run (0 when there is none). */
    public runPeak = 0,
    /** Closed incidents, [start, last excited row], oldest first, at most PAST_INCIDENTS. */
    readonly pastIncidents: Array<readonly [number, number]> = [],
  ) {}

  /** Opens a new incident at `timestamp`; the one it replaces is remembered. */
  openIncident(timestamp: number, rarity: number): void {
    if (this.incident) {
      this.pastIncidents.push([this.incident.start, this.incident.lastExcited]);
      if (this.pastIncidents.length > PAST_INCIDENTS) this.pastIncidents.shift();
    }
    this.incident = { start: timestamp, lastExcited: timestamp, peak: rarity, flagged: false };
  }

  /** Did an incident, closed or open, hold `t`, give or take `margin` seconds? */
  incidentAround(t: number, margin: number): boolean {
    const within = (start: number, end: number) => t >= start - margin && t <= end + margin;
    return (
      (this.incident !== null && within(this.incident.start, this.incident.lastExcited)) ||
      this.pastIncidents.some(([start, end]) => within(start, end))
    );
  }

  static fresh(signature: number, detectors: number): MetricState {
    return new MetricState(
      signature,
      Array.from({ length: detectors }, () => new TailSketch()),
      -Infinity,
      null,
    );
  }

  static byteLength(detectors: number): number {
    return HEADER + SKETCH_BYTES * detectors;
  }

  /** Decodes a stored state; a fresh one when it is absent, damaged, or from another line-up. */
  static decode(bytes: Uint8Array | null | undefined, signature: number, detectors: number): MetricState {
    if (!bytes || bytes.length !== MetricState.byteLength(detectors))
      return MetricState.fresh(signature, detectors);
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (dv.getUint8(0) !== VERSION || dv.getUint8(1) !== detectors || dv.getUint32(2, true) !== signature) {
      return MetricState.fresh(signature, detectors);
    }
    const sketch = (i: number) => {
      const counts = new Uint16Array(BINS);
      for (let b = 0; b < BINS; b++) counts[b] = dv.getUint16(HEADER + i * SKETCH_BYTES + 2 * b, true);
      return new TailSketch(counts);
    };
    const start = dv.getFloat64(14, true);
    const incident = Number.isNaN(start)
      ? null
      : {
          start,
          lastExcited: dv.getFloat64(22, true),
          peak: dv.getFloat32(30, true),
          flagged: dv.getUint8(34) === 1,
        };
    const past: Array<readonly [number, number]> = [];
    for (let i = 0; i < PAST_INCIDENTS; i++) {
      const start = dv.getUint32(PAST_AT + 8 * i, true);
      if (start > 0) past.push([start, dv.getUint32(PAST_AT + 8 * i + 4, true)]);
    }
    return new MetricState(
      signature,
      Array.from({ length: detectors }, (_, i) => sketch(i)),
      dv.getFloat64(6, true),
      incident,
      dv.getUint8(35),
      dv.getFloat32(36, true),
      past,
    );
  }

  encode(): Uint8Array {
    const k = this.sketches.length;
    const bytes = new Uint8Array(MetricState.byteLength(k));
    const dv = new DataView(bytes.buffer);
    dv.setUint8(0, VERSION);
    dv.setUint8(1, k);
    dv.setUint32(2, this.signature, true);
    dv.setFloat64(6, this.lastJudged, true);
    dv.setFloat64(14, this.incident?.start ?? NaN, true);
    dv.setFloat64(22, this.incident?.lastExcited ?? NaN, true);
    dv.setFloat32(30, this.incident?.peak ?? 0, true);
    dv.setUint8(34, this.incident?.flagged ? 1 : 0);
    dv.setUint8(35, Math.min(this.unusualRun, MAX_RUN));
    dv.setFloat32(36, this.runPeak, true);
    // Epoch seconds fit a u32 until 2106; a timestamp outside it is clamped, which at worst mutes or
    // keeps one seasonal comparison.
    const u32 = (t: number) => Math.min(Math.max(Math.round(t), 1), MAX_U32);
    this.pastIncidents.forEach(([start, end], i) => {
      dv.setUint32(PAST_AT + 8 * i, u32(start), true);
      dv.setUint32(PAST_AT + 8 * i + 4, u32(end), true);
    });
    this.sketches.forEach((s, i) => {
      for (let b = 0; b < BINS; b++) dv.setUint16(HEADER + i * SKETCH_BYTES + 2 * b, s.counts[b], true);
    });
    return bytes;
  }
}

/** FNV-1a of the detector names: identifies a line-up in the stored state. */
export function lineUpSignature(names: ReadonlyArray<string>): number {
  return fnv1a(names.join('\0'));
}
