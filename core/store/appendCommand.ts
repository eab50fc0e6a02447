/**
 * The metric appends of one RedisStore.append run as ONE prebuilt EVALSHA of APPEND_LUA, serialised
 * here straight into one Buffer: each metric's key as a cached RESP bulk, each window encoded in place
 * after its length. ioredis's own serialisation of a 8,000-argument command (a string or Buffer per
 * argument, byte counting and a copy per piece) cost as much as everything else the writer did.
 * Points arrive grouped in columns (GroupedPoints), not as a `[ts, value]` tuple each: at 1M points/s
 * the tuples and their garbage collection were a fifth of the writer thread.
 */
import { createHash } from 'node:crypto';
import { Command, type Redis } from 'ioredis';
import { APPEND_LUA } from './luaScripts.js';
import { metricKey, UNIQUE_METRICS } from './keys.js';
import type { GroupedPoints, Point } from './store.js';
import { encodedSize, encodeInto } from './windowCodec.js';

const APPEND_SHA = createHash('sha1').update(APPEND_LUA).digest('hex');
/** Cached keys before the cache starts over (a bound on memory when names churn). */
const MAX_CACHED_KEYS = 1_000_000;

/** Groups tuple lists (the Store.append shape) into columns. */
export function groupLists(
  names: ReadonlyArray<string>,
  lists: ReadonlyArray<ReadonlyArray<Point>>,
): GroupedPoints {
  const starts = new Int32Array(lists.length + 1);
  for (let i = 0; i < lists.length; i++) starts[i + 1] = starts[i] + lists[i].length;
  const ts = new Float64Array(starts[lists.length]);
  const values = new Float64Array(starts[lists.length]);
  lists.forEach((points, i) =>
    points.forEach(([t, v], j) => {
      ts[starts[i] + j] = t;
      values[starts[i] + j] = v;
    }),
  );
  return { names, starts, ts, values };
}

/** Metric `i`'s points of `g` as `[ts, value]` tuples. */
export function pointsOf(g: GroupedPoints, i: number): Point[] {
  const out: Point[] = [];
  for (let j = g.starts[i]; j < g.starts[i + 1]; j++) out.push([g.ts[j], g.values[j]]);
  return out;
}

/** Most bytes one point takes encoded: fixarray, then two float64s (1 + 9 + 9). */
const MAX_POINT_BYTES = 19;
/** Reused tuple lists for metrics with up to this many points in one command (nearly all). */
const SCRATCH_LISTS = 256;

/** A metric's key, and the same key as a RESP bulk string ready to copy into a command. */
export interface MetricKey {
  readonly key: string;
  readonly bulk: Buffer;
}

/** A command whose RESP bytes are already built: ioredis writes them as they are. */
class PrebuiltCommand extends Command {
  constructor(private readonly resp: Buffer) {
    super('evalsha', []);
  }

  override toWritable(): Buffer {
    return this.resp;
  }
}

const bulk = (s: string): Buffer => {
  const body = Buffer.from(s);
  return Buffer.concat([Buffer.from(`$${body.length}\r\n`), body, Buffer.from('\r\n')]);
};

const UNIQUE_BULK = bulk(UNIQUE_METRICS);

/** Writes `$<len>\r\n` at `p`; returns the end. */
function writeBulkHeader(out: Buffer, p: number, len: number): number {
  out[p++] = 0x24;
  const digits = String(len);
  for (let i = 0; i < digits.length; i++) out[p++] = digits.charCodeAt(i);
  out[p++] = 0x0d;
  out[p++] = 0x0a;
  return p;
}

export class AppendCommands {
  private readonly keys = new Map<string, MetricKey>();

  constructor(private readonly client: Redis) {}

  /** The key of metric `name` (the same object every time, so lookups by its string are cheap). */
  key(name: string): MetricKey {
    let k = this.keys.get(name);
    if (k) return k;
    if (this.keys.size >= MAX_CACHED_KEYS) this.keys.clear();
    const key = metricKey(name);
    k = { key, bulk: bulk(key) };
    this.keys.set(name, k);
    return k;
  }

  /**
   * Appends metric i's points of `g` to `keys[i]`, for i in [from, to), and adds `fresh` to the metric
   * set, in one script call.
   */
  async append(
    keys: ReadonlyArray<MetricKey>,
    g: GroupedPoints,
    from: number,
    to: number,
    fresh: ReadonlyArray<MetricKey>,
  ): Promise<void> {
    const argc = 4 + (to - from) * 2 + fresh.length;
    // The command head (argument count, EVALSHA, its sha, the key count) takes under 100 bytes;
    // `$<length>\r\n` before a window and `\r\n` after it, at most 16 bytes.
    let size = 128 + UNIQUE_BULK.length + (g.starts[to] - g.starts[from]) * MAX_POINT_BYTES;
    for (let i = from; i < to; i++) size += keys[i].bulk.length + 16;
    for (const k of fresh) size += k.bulk.length;
    const out = Buffer.allocUnsafe(size);
    const numKeys = String(to - from + 1);
    let p = out.write(
      `*${argc}\r\n$7\r\nevalsha\r\n$40\r\n${APPEND_SHA}\r\n$${numKeys.length}\r\n${numKeys}\r\n`,
      0,
      'latin1',
    );
    p += UNIQUE_BULK.copy(out, p);
    for (let i = from; i < to; i++) p += keys[i].bulk.copy(out, p);
    for (let i = from; i < to; i++) {
      // The window codec encodes tuples: fill reused ones rather than allocate a tuple per point.
      const list = this.tuples(g, i);
      p = writeBulkHeader(out, p, encodedSize(list));
      p = encodeInto(out, p, list);
      out[p++] = 0x0d;
      out[p++] = 0x0a;
    }
    for (const k of fresh) p += k.bulk.copy(out, p);
    const resp = out.subarray(0, p);
    try {
      await this.send(resp);
    } catch (err) {
      // A server that never saw the script (or flushed it): load it, then send the same bytes again.
      if (!(err as Error).message.startsWith('NOSCRIPT')) throw err;
      await this.client.script('LOAD', APPEND_LUA);
      await this.send(resp);
    }
  }

  /** scratch[n] holds n reused tuples. */
  private readonly scratch: Array<Array<[number, number]>> = Array.from(
    { length: SCRATCH_LISTS + 1 },
    (_, n) => Array.from({ length: n }, () => [0, 0]),
  );

  /** Metric `i`'s points of `g` as tuples, valid until the next call. */
  private tuples(g: GroupedPoints, i: number): ReadonlyArray<Point> {
    const start = g.starts[i];
    const n = g.starts[i + 1] - start;
    if (n > SCRATCH_LISTS) return pointsOf(g, i);
    const list = this.scratch[n];
    for (let j = 0; j < n; j++) {
      const t = list[j];
      t[0] = g.ts[start + j];
      t[1] = g.values[start + j];
    }
    return list;
  }

  private send(resp: Buffer): Promise<unknown> {
    const command = new PrebuiltCommand(resp);
    void this.client.sendCommand(command);
    return command.promise;
  }
}
