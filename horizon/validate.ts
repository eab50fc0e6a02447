/**
 * What a point must look like to be stored. Every failure has a reason, counted as
 * `kale.horizon.rejected.<reason>`.
 */

export const REJECT_REASONS = [
  'oversized', // frame or line over the size limit
  'undecodable', // not msgpack / pickle / a text line at all
  'unsafe', // a pickle opcode that names or calls code
  'structure', // decoded, but not [name, [ts, value]]
  'value', // non-numeric or non-finite value
  'timestamp', // non-numeric, older than MAX_RESOLUTION or too far in the future
  'name', // empty, over-long, control characters, not text
  'overload', // a connection refused or closed by a bound: horizon.maxConnections, horizon.maxPendingBytes
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export interface ValidationLimits {
  /** Oldest accepted age of a point, in seconds (MAX_RESOLUTION). */
  readonly maxAge: number;
  readonly maxFuture: number;
  readonly maxNameBytes: number;
}

export const MAX_NAME_BYTES = 512;

/** A validated point, reused by the caller to avoid an allocation per point. */
export interface ValidPoint {
  name: string;
  ts: number;
  value: number;
}

const CONTROL = /[\x00-\x1f\x7f]/;
const NUMERIC = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && NUMERIC.test(v)) return Number(v);
  if (v instanceof Uint8Array && v.length < 64) {
    const s = Buffer.from(v).toString('latin1');
    return NUMERIC.test(s) ? Number(s) : NaN;
  }
  return NaN;
}

/** Not empty, at most `maxNameBytes` UTF-8 bytes, no control characters. */
export function validName(n: string, maxNameBytes: number): boolean {
  // A UTF-16 unit is at most 3 UTF-8 bytes, so short names (nearly all) skip counting their bytes.
  return (
    n.length > 0 &&
    n.length <= maxNameBytes &&
    !CONTROL.test(n) &&
    (n.length * 3 <= maxNameBytes || Buffer.byteLength(n) <= maxNameBytes)
  );
}

/** The reject reason for a point's numbers (value first, as for the whole point), or null. */
export function numbersReason(
  ts: number,
  value: number,
  now: number,
  limits: ValidationLimits,
): RejectReason | null {
  if (!Number.isFinite(value)) return 'value';
  if (!Number.isFinite(ts) || ts < now - limits.maxAge || ts > now + limits.maxFuture) return 'timestamp';
  return null;
}

/**
 * Checks one point, filling `out`; returns null when valid, else the reject reason. Names may arrive as
 * msgpack `bin` (bytes, as Perl's Data::MessagePack sends them) and values as numeric strings.
 */
export function validatePoint(
  name: unknown,
  ts: unknown,
  value: unknown,
  now: number,
  limits: ValidationLimits,
  out: ValidPoint,
): RejectReason | null {
  let n: string;
  if (typeof name === 'string') n = name;
  else if (name instanceof Uint8Array) {
    if (name.length > limits.maxNameBytes) return 'name';
    n = Buffer.from(name.buffer, name.byteOffset, name.byteLength).toString('utf8');
  } else return 'name';
  if (!validName(n, limits.maxNameBytes)) return 'name';
  const v = toNumber(value);
  const t = toNumber(ts);
  const reason = numbersReason(t, v, now, limits);
  if (reason) return reason;
  out.name = n;
  out.ts = t;
  out.value = v;
  return null;
}
