/**
 * A decoded WriteRequest into the Sink every listener feeds, one candidate point per sample: the same
 * validation, skip list, torus routing and `kale.horizon.*` accounting as pickle, msgpack and plaintext.
 */
import type { Sink } from '../sink.js';
import type { CounterRates } from './counterRate.js';
import { int64 } from './decode.js';
import type { PromWriteRequest } from './protoSchema.js';
import type { SeriesNamer } from './seriesName.js';

/**
 * Prometheus marks a series that vanished with a NaN of its own bits (value.StaleNaN, 0x7ff0000000000002):
 * a signal, not a sample, so it is not stored (or counted as a bad value). The quiet bit is ignored:
 * a float conversion on the way (a JS protobuf writer does one) sets it.
 */
const STALE_NAN_HIGH = 0x7ff00000,
  QUIET_BIT = 0x00080000,
  STALE_NAN_LOW = 0x00000002;
const scratch = new DataView(new ArrayBuffer(8));
function isStaleMarker(v: number): boolean {
  if (!Number.isNaN(v)) return false;
  scratch.setFloat64(0, v);
  return (scratch.getUint32(0) & ~QUIET_BIT) === STALE_NAN_HIGH && scratch.getUint32(4) === STALE_NAN_LOW;
}

export interface DeliverOptions {
  readonly namer: SeriesNamer;
  /** Counters become per-second rates; absent: stored as sent. */
  readonly rates?: CounterRates;
}

export function deliverWriteRequest(
  req: PromWriteRequest,
  sink: Sink,
  peer: string,
  opts: DeliverOptions,
): void {
  opts.rates?.learn(req.metadata);
  for (const series of req.timeseries) {
    const name = opts.namer(series.labels);
    if (name === null) {
      if (series.samples.length)
        sink.reject(
          'name',
          peer,
          `a series without __name__ (labels ${JSON.stringify(series.labels.slice(0, 8))})`,
          series.samples.length,
        );
      continue;
    }
    const metric = series.labels.find((l) => l.name === '__name__')!.value;
    const rates = opts.rates?.isCounter(metric) ? opts.rates : undefined;
    for (const s of series.samples) {
      if (isStaleMarker(s.value)) continue;
      const ms = int64(s.timestamp);
      // Skyline's windows hold whole seconds; Prometheus's milliseconds count only for a counter's rate.
      const ts = Math.floor(ms / 1000);
      const value = rates && Number.isFinite(s.value) ? rates.rate(name, ms, s.value) : s.value;
      if (value !== undefined) sink.point(name, ts, value, peer);
    }
  }
}
