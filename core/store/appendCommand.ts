/**
 * The metric appends of one RedisStore.append run as ONE prebuilt EVALSHA of APPEND_LUA, serialised
 * here straight into one Buffer: each metric's key as a cached RESP bulk, each window encoded in place
 * after its length. ioredis's own serialisation of a 8,000-argument command (a string or Buffer per
 * argument, byte counting and a copy per piece) cost as much as everything else the writer did.
 */
import { createHash } from 'node:crypto';
import { Command, type Redis } from 'ioredis';
import { APPEND_LUA } from './luaScripts.js';
import { metricKey } from './keys.js';
import type { Point } from './store.js';
import { UNIQUE_METRICS } from './store.js';
import { encodedSize, encodeInto } from './windowCodec.js';

const APPEND_SHA = createHash('sha1').update(APPEND_LUA).digest('hex');
/** Cached keys before the cache starts over (a bound on memory when names churn). */
const MAX_CACHED_KEYS = 1_000_000;

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

  /** Appends `lists[i]` to `keys[i]` and adds `fresh` to the metric set, in one script call. */
  async append(keys: ReadonlyArray<MetricKey>, lists: ReadonlyArray<ReadonlyArray<Point>>, fresh: ReadonlyArray<MetricKey>): Promise<void> {
    const argc = 4 + keys.length * 2 + fresh.length;
    // The command head (argument count, EVALSHA, its sha, the key count) takes under 100 bytes.
    let size = 128 + UNIQUE_BULK.length;
    const sizes = new Array<number>(lists.length);
    for (let i = 0; i < keys.length; i++) {
      sizes[i] = encodedSize(lists[i]);
      // `$<length>\r\n` before the window and `\r\n` after it: at most 15 bytes.
      size += keys[i].bulk.length + sizes[i] + 16;
    }
    for (const k of fresh) size += k.bulk.length;
    const out = Buffer.allocUnsafe(size);
    const numKeys = String(keys.length + 1);
    let p = out.write(`*${argc}\r\n$7\r\nevalsha\r\n$40\r\n${APPEND_SHA}\r\n$${numKeys.length}\r\n${numKeys}\r\n`, 0, 'latin1');
    p += UNIQUE_BULK.copy(out, p);
    for (const k of keys) p += k.bulk.copy(out, p);
    for (let i = 0; i < lists.length; i++) {
      p = writeBulkHeader(out, p, sizes[i]);
      p = encodeInto(out, p, lists[i]);
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

  private send(resp: Buffer): Promise<unknown> {
    const command = new PrebuiltCommand(resp);
    void this.client.sendCommand(command);
    return command.promise;
  }
}
