/**
 * A decoded WriteRequest's columns into the Sink every listener feeds, one candidate point per kept
 * sample, by its name's bytes (Ingest interns them: no string per sample): the same validation, skip
 * list, torus routing and `kale.horizon.*` accounting as pickle, msgpack and plaintext.
 */
import type { Sink } from '../sink.js';
import type { WriteColumns } from './columns.js';
import type { CounterRates } from './counterRate.js';

export interface DeliverOptions {
  /** Dotted names from this template; undefined: Graphite's tagged form (seriesName.ts). */
  readonly template: string | undefined;
  /** Counters become per-second rates; absent: stored as sent. */
  readonly rates?: CounterRates;
}

export function deliverColumns(
  c: WriteColumns,
  sink: Sink,
  peer: string,
  rates: CounterRates | undefined,
): void {
  for (const n of c.nameless) sink.reject('name', peer, n.detail, n.count);
  const text = Buffer.from(c.names.buffer, c.names.byteOffset, c.names.length);
  let nameStart = 0;
  let sample = 0;
  for (let s = 0; s < c.nameEnds.length; s++) {
    const nameEnd = c.nameEnds[s];
    const samplesEnd = c.sampleEnds[s];
    // A counter's previous sample is kept by name; only counters pay for the string.
    const counter = rates && c.counters[s] ? text.toString('utf8', nameStart, nameEnd) : undefined;
    for (; sample < samplesEnd; sample++) {
      const ms = c.ms[sample];
      let value: number | undefined = c.values[sample];
      if (counter !== undefined && Number.isFinite(value)) value = rates!.rate(counter, ms, value);
      // Skyline's windows hold whole seconds; Prometheus's milliseconds count only for a counter's rate.
      if (value !== undefined)
        sink.pointBytes(c.names, nameStart, nameEnd, false, Math.floor(ms / 1000), value, peer);
    }
    nameStart = nameEnd;
  }
}
