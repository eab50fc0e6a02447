import { Redis } from 'ioredis';
import { APPEND_LUA, TORUS_LUA, TRIM_LUA } from './luaScripts.js';
import { decodeWindow, encodeEach } from './windowCodec.js';
import {
  ANOMALIES_CURRENT, ANOMALIES_HISTORY, COLLECTIONS, STATUS, claimKey, metricKey, quarantineKey,
} from './keys.js';
import {
  UNIQUE_METRICS, type AnomalyRecord, type AppendBatch, type Collection, type HistoryQuery, type Series,
  type Store, type TorusType, type TorusValue, type TorusWrite, type TrimResult,
} from './store.js';

/** Reads in chunks so one huge MGET never blocks Redis for long. */
const READ_CHUNK = 500;

export class RedisStore implements Store {
  readonly kind = 'redis' as const;
  private readonly known = new Set<string>();

  /** `url` is kept so a writer thread can open its own connection to the same database. */
  constructor(readonly client: Redis, readonly url?: string) {
    client.defineCommand('kaleTrim', { numberOfKeys: 3, lua: TRIM_LUA });
    client.defineCommand('kaleAppend', { lua: APPEND_LUA });
    client.defineCommand('kaleTorus', { lua: TORUS_LUA });
  }

  static connect(url: string): RedisStore {
    const client = new Redis(url, {
      lazyConnect: false,
      maxRetriesPerRequest: null,
      enableOfflineQueue: true,
      retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2000),
    });
    // Connection errors are retried by ioredis; callers see failures on their own commands.
    client.on('error', () => {});
    return new RedisStore(client, url);
  }

  async append(batches: ReadonlyArray<AppendBatch>): Promise<void> {
    const keys: string[] = [];
    const lists: Array<AppendBatch['points']> = [];
    const added: string[] = [];
    for (const b of batches) {
      if (b.points.length === 0) continue;
      const key = metricKey(b.name);
      keys.push(key);
      lists.push(b.points);
      if (!this.known.has(key)) added.push(key);
    }
    const payloads = encodeEach(lists);
    if (keys.length === 0) return;
    const run = (this.client as unknown as { kaleAppend: (...a: unknown[]) => Promise<number> }).kaleAppend;
    await run.call(this.client, keys.length + 1, UNIQUE_METRICS, ...keys, ...payloads, ...added);
    for (const k of added) this.known.add(k);
  }

  /**
   * Another connection's trim forgot these metrics (deleted the key and left the metric set): the next
   * append of each must add it to the set again, so this connection stops treating them as known.
   */
  forget(names: ReadonlyArray<string>): void {
    for (const n of names) this.known.delete(metricKey(n));
  }

  async listMetrics(): Promise<string[]> {
    const keys = await this.client.smembers(UNIQUE_METRICS);
    return keys.filter((k) => k.startsWith('metrics.')).map((k) => k.slice('metrics.'.length)).sort();
  }

  async readRawWindows(names: ReadonlyArray<string>): Promise<Array<Uint8Array | null>> {
    const out: Array<Uint8Array | null> = [];
    for (let i = 0; i < names.length; i += READ_CHUNK) {
      const keys = names.slice(i, i + READ_CHUNK).map(metricKey);
      out.push(...(await this.client.mgetBuffer(...keys)));
    }
    return out;
  }

  async readWindows(names: ReadonlyArray<string>): Promise<Array<Series | null>> {
    const raws = await this.readRawWindows(names);
    return raws.map((r) => {
      if (!r) return null;
      try {
        return decodeWindow(r);
      } catch {
        return null;
      }
    });
  }

  async trim(name: string, cutoff: number): Promise<TrimResult> {
    const run = (this.client as unknown as { kaleTrim: (...a: unknown[]) => Promise<number[]> }).kaleTrim;
    const [kept, removed, forgotten, quarantined] = await run.call(
      this.client, metricKey(name), UNIQUE_METRICS, quarantineKey(name), String(cutoff),
    );
    if (forgotten || quarantined) this.known.delete(metricKey(name));
    return { kept, removed, forgotten: forgotten === 1, quarantined: quarantined === 1 };
  }

  async torusWrite(writes: ReadonlyArray<TorusWrite>): Promise<void> {
    if (writes.length === 0) return;
    const keys: string[] = [];
    const args: string[] = [];
    for (const w of writes) {
      keys.push(w.key);
      args.push(TYPE_CODE[w.type], String(w.value), String(Math.ceil(w.expireAt)));
      if (w.index) {
        keys.push(w.index.key);
        args.push(TYPE_CODE.set, w.index.member, String(Math.ceil(w.expireAt)));
      }
    }
    const run = (this.client as unknown as { kaleTorus: (...a: unknown[]) => Promise<number> }).kaleTorus;
    await run.call(this.client, keys.length, ...keys, ...args);
  }

  async torusRead(type: TorusType, keys: ReadonlyArray<string>): Promise<Array<TorusValue | null>> {
    if (keys.length === 0) return [];
    const pipe = this.client.pipeline();
    for (const k of keys) {
      switch (type) {
        case 'series': pipe.lrange(k, 0, -1); break;
        case 'histogram': pipe.hgetall(k); break;
        case 'count': case 'gauge': pipe.get(k); break;
        case 'set': pipe.smembers(k); break;
      }
    }
    const res = await execOrThrow(pipe);
    return res.map((r): TorusValue | null => {
      switch (type) {
        case 'series': { const a = r as string[]; return a.length ? { type, values: a.map(Number) } : null; }
        case 'histogram': {
          const h = r as Record<string, string>;
          const entries = Object.entries(h);
          return entries.length ? { type, counts: new Map(entries.map(([k, v]) => [k, Number(v)])) } : null;
        }
        case 'count': return r == null ? null : { type, total: Number(r) };
        case 'gauge': return r == null ? null : { type, last: String(r) };
        case 'set': { const a = r as string[]; return a.length ? { type, members: a } : null; }
      }
    });
  }

  async torusIndex(key: string): Promise<string[]> {
    return this.client.smembers(key);
  }

  async torusKeys(pattern: string): Promise<string[]> {
    const found = new Set<string>();
    let cursor = '0';
    do {
      const [next, keys] = await this.client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      for (const k of keys) found.add(k);
    } while (cursor !== '0');
    return [...found].sort();
  }

  async recordAnomalies(current: ReadonlyArray<AnomalyRecord>, retention: number): Promise<void> {
    const pipe = this.client.pipeline();
    pipe.set(ANOMALIES_CURRENT, JSON.stringify(current));
    for (const r of current) pipe.zadd(ANOMALIES_HISTORY, r.detectedAt, JSON.stringify(r));
    const newest = current.reduce((m, r) => Math.max(m, r.detectedAt), Date.now() / 1000);
    pipe.zremrangebyscore(ANOMALIES_HISTORY, '-inf', `(${newest - retention}`);
    await execOrThrow(pipe);
  }

  async currentAnomalies(): Promise<AnomalyRecord[]> {
    const raw = await this.client.get(ANOMALIES_CURRENT);
    return raw ? (JSON.parse(raw) as AnomalyRecord[]) : [];
  }

  async anomalyHistory(q: HistoryQuery): Promise<AnomalyRecord[]> {
    const raw = await this.client.zrevrangebyscore(ANOMALIES_HISTORY, q.until ?? '+inf', q.from ?? '-inf');
    const limit = q.limit ?? Infinity;
    const out: AnomalyRecord[] = [];
    for (const r of raw) {
      const rec = JSON.parse(r) as AnomalyRecord;
      if (q.metric && rec.metric !== q.metric) continue;
      out.push(rec);
      if (out.length >= limit) break;
    }
    return out;
  }

  async claim(key: string, ttl: number): Promise<boolean> {
    return (await this.client.set(claimKey(key), '1', 'EX', Math.max(1, Math.ceil(ttl)), 'NX')) === 'OK';
  }

  async release(key: string): Promise<void> {
    await this.client.del(claimKey(key));
  }

  async saveCollection(c: Collection): Promise<void> {
    await this.client.hset(COLLECTIONS, c.id, JSON.stringify(c));
  }

  async listCollections(): Promise<Collection[]> {
    const all = await this.client.hvals(COLLECTIONS);
    return all.map((v) => JSON.parse(v) as Collection).sort((a, b) => b.createdAt - a.createdAt);
  }

  async deleteCollection(id: string): Promise<boolean> {
    return (await this.client.hdel(COLLECTIONS, id)) === 1;
  }

  async putStatus(service: string, status: Record<string, unknown>): Promise<void> {
    await this.client.hset(STATUS, service, JSON.stringify(status));
  }

  async getStatus(): Promise<Record<string, Record<string, unknown>>> {
    const all = await this.client.hgetall(STATUS);
    return Object.fromEntries(Object.entries(all).map(([k, v]) => [k, JSON.parse(v)]));
  }

  async ping(): Promise<boolean> {
    try {
      return (await this.client.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}

const TYPE_CODE: Record<TorusType, string> = { series: 's', histogram: 'h', count: 'c', gauge: 'g', set: 't' };

async function execOrThrow(pipe: ReturnType<Redis['pipeline']>): Promise<unknown[]> {
  const res = (await pipe.exec()) ?? [];
  const failed = res.find(([err]) => err);
  if (failed) throw failed[0];
  return res.map(([, v]) => v);
}
