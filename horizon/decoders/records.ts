import type { Sink } from '../sink.js';

/**
 * Reads `(name, (ts, value))` (or `[name, [ts, value]]`): returns false when `item` is not that shape.
 * The name must be text or bytes, else a list of exactly two records would read as one record.
 */
export function emitRecord(item: unknown, sink: Sink, peer: string): boolean {
  if (!Array.isArray(item) || item.length !== 2) return false;
  if (typeof item[0] !== 'string' && !(item[0] instanceof Uint8Array)) return false;
  const pair = item[1];
  if (!Array.isArray(pair) || pair.length !== 2) return false;
  sink.point(item[0], pair[0], pair[1], peer);
  return true;
}

/**
 * Delivers every record of a decoded payload: a single record or a list of them. Items
 * that are not records are counted as `structure` rejects; the rest of the payload still counts.
 */
export function emitRecords(decoded: unknown, sink: Sink, peer: string): void {
  if (emitRecord(decoded, sink, peer)) return;
  if (!Array.isArray(decoded)) {
    sink.reject('structure', peer, 'payload is neither a record nor a list of records');
    return;
  }
  let bad = 0;
  for (const item of decoded) if (!emitRecord(item, sink, peer)) bad++;
  if (bad) sink.reject('structure', peer, `${bad} list items are not (name, (ts, value))`, bad);
}
