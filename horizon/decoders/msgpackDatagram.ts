import { Unpackr } from 'msgpackr';
import type { Sink } from '../sink.js';
import { decodeMsgpackRecords } from './msgpackRecords.js';
import { emitRecords } from './records.js';

// Plain msgpack only: no records/structures extensions, maps as Maps (a map is a structure reject
// anyway), `bin` as bytes (Perl's Data::MessagePack sends names that way).
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: false, int64AsType: 'number' });

/**
 * One msgpack UDP datagram: `[name, [ts, value]]`, a list of those, or several msgpack
 * objects back to back. Objects decoded before a corrupt tail still count. The common list of records
 * takes the byte scan of msgpackRecords.ts; everything else goes through msgpackr.
 */
export function decodeMsgpackDatagram(buf: Buffer, sink: Sink, peer: string): void {
  if (decodeMsgpackRecords(buf, sink, peer)) return;
  const objects: unknown[] = [];
  try {
    unpackr.unpackMultiple(buf, (v: unknown) => {
      objects.push(v);
    });
  } catch (err) {
    sink.reject('undecodable', peer, `msgpack: ${(err as Error).message}`);
  }
  for (const o of objects) emitRecords(o, sink, peer);
}
