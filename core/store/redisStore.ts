import calculateSlot from 'cluster-key-slot';
import { Cluster, type Redis } from 'ioredis';
import { AppendCommands, groupLists, pointsOf, type MetricKey } from './appendCommand.js';
import { TORUS_LUA, TRIM_LUA } from './luaScripts.js';
import { connectRedis } from './connectRedis.js';
import type { GroupLease } from './groupLease.js';
import { RedisGroupLease } from './redis/groupLease.js';
import { resendFailed } from './redis/resendFailed.js';
import { RedisUnreachableError, parseRedisTarget, shownRedisUrl } from './redisUrl.js';
import { decodeWindow, encodeEach } from './windowCodec.js';
import {
  ANOMALIES_CURRENT,
  ANOMALIES_HISTORY,
  COLLECTIONS,
  METRIC_PREFIX,
  STATUS,
  UNIQUE_METRICS,
  claimKey,
  metricKey,
  quarantineKey,
} from './keys.js';
import type {
  AnomalyRecord,
  AppendBatch,
  Collection,
  GroupedPoints,
  HistoryQuery,
  Series,
  Store,
  TorusType,
  TorusValue,
  TorusWrite,
  TrimResult,
  WriterConnection,
} from './store.js';

/** How long a new store retries before `firstConnection` gives up: commands say so rather than wait forever. */
export const FIRST_CONNECT_MS = 5000;
/** How long close() lets queued commands finish before it drops the connection. */
const CLOSE_MS = 1000;

/** Reads in chunks so one huge MGET never blocks Redis for long. */
const READ_CHUNK = 500;

type Script = (args: unknown[]) => Promise<unknown>;

/**
 * Keys per script call: a call's arguments travel on the JavaScript stack (~23,000 torus writes
 * overflowed it), and one huge script would also hold Redis for long.
 */
const SCRIPT_KEYS = 4096;

/** `items` in runs of at most `size`. */
function inRuns<T>(items: ReadonlyArray<T>, size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) =>
    items.slice(i * size, (i + 1) * size),
  );
}

/**
 * The Redis backend, on one server or a Redis Cluster. On a cluster, multi-key commands and scripts
 * must stay inside one hash slot, and Skyline's key names carry no hash tags, so batches are split by
 * slot (`slotGroups`), the metric set is updated beside the appends rather than inside the same
 * script, and key scans visit every master.
 */
export class RedisStore implements Store {
  readonly kind = 'redis' as const;
  /**
   * Metric keys this connection believes are in `metrics.unique_metrics`, so it SADDs a name once, not
   * per point. Redis can lose the set behind its back (a restart without persistence, a failover, a
   * FLUSHALL); see `appendGrouped` for how the belief is checked and dropped.
   */
  private readonly known = new Set<string>();
  /** Times the metric set was found smaller than `known` and repaired (tests and logs read it). */
  metricSetRepairs = 0;
  /**
   * Connections made so far, and on a cluster each change of its nodes (a master lost, a replica
   * promoted): an append that spans one cannot know what its SADDs met.
   */
  private connections = 0;
  /** close() or disconnect() was called: failed cluster writes are not sent again. */
  private closing = false;
  /**
   * Settles when Redis first answers, or fails with RedisUnreachableError after FIRST_CONNECT_MS of
   * retries (commands meanwhile wait, and keep waiting: the CLI exits on this instead).
   */
  readonly firstConnection: Promise<void>;
  private firstConnectionTimer: NodeJS.Timeout | undefined;
  private readonly cluster: boolean;
  private readonly appends: AppendCommands;

  /** `url` is kept so a writer thread can open its own connection to the same database. */
  constructor(
    readonly client: Redis | Cluster,
    readonly url?: string,
  ) {
    this.cluster = client instanceof Cluster;
    // Only used on one server (a cluster appends with plain APPENDs).
    this.appends = new AppendCommands(client as Redis);
    client.defineCommand('kaleTrim', { lua: TRIM_LUA });
    client.defineCommand('kaleTorus', { lua: TORUS_LUA });
    // A new connection may lead to a new server (restarted, failed over): trust nothing from before it.
    const newConnection = () => {
      this.connections++;
      this.known.clear();
    };
    client.on('ready', newConnection);
    // A failover moves slots to a replica that may lack the master's last writes (replication is
    // asynchronous), the metric set's SADDs among them; the cluster keeps its 'ready' throughout.
    if (this.cluster) client.on('-node', newConnection);
    this.firstConnection = new Promise<void>((resolve, reject) => {
      let lastError = 'no answer';
      const noteError = (err: Error) => {
        lastError = err.message || err.name;
      };
      client.on('error', noteError);
      const timer = (this.firstConnectionTimer = setTimeout(() => {
        client.off('error', noteError);
        reject(
          new RedisUnreachableError(
            `cannot reach Redis at ${shownRedisUrl(url ?? 'the configured URL')}: ${lastError} (retried for ${FIRST_CONNECT_MS / 1000} s; is it running, and is --redis / REDIS_URL right?)`,
          ),
        );
      }, FIRST_CONNECT_MS));
      client.once('ready', () => {
        clearTimeout(timer);
        client.off('error', noteError);
        resolve();
      });
    });
    // Only the CLI acts on it; everyone else just keeps retrying.
    this.firstConnection.catch(() => {});
  }

  /** `redis://…` for one server, `redis-cluster://host:port,…` for a cluster (core/store/redisUrl.ts). */
  static connect(url: string): RedisStore {
    return new RedisStore(connectRedis(parseRedisTarget(url)), url);
  }

  writerConnection(): WriterConnection | null {
    return this.url ? { url: this.url } : null;
  }

  groupLease(key: string): GroupLease {
    return new RedisGroupLease(this.client, key);
  }

  /** Drops the connection at once, with whatever it still has queued (close() lets that finish first). */
  disconnect(): void {
    this.closing = true;
    this.client.disconnect();
  }

  private script(name: 'kaleTrim' | 'kaleTrimBuffer' | 'kaleTorus'): Script {
    const fn = (this.client as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[name];
    return (args) => fn.apply(this.client, args);
  }

  /** Indices of `keys` grouped so each group may go in one multi-key command: all of them, or by slot on a cluster. */
  private slotGroups(keys: ReadonlyArray<string>): number[][] {
    if (!this.cluster) return [keys.map((_, i) => i)];
    const bySlot = new Map<number, number[]>();
    keys.forEach((k, i) => {
      const slot = calculateSlot(k);
      const g = bySlot.get(slot);
      if (g) g.push(i);
      else bySlot.set(slot, [i]);
    });
    return [...bySlot.values()];
  }

  async append(batches: ReadonlyArray<AppendBatch>): Promise<void> {
    const kept = batches.filter((b) => b.points.length > 0);
    await this.appendGrouped(
      groupLists(
        kept.map((b) => b.name),
        kept.map((b) => b.points),
      ),
    );
  }

  async appendGrouped(g: GroupedPoints): Promise<void> {
    const count = g.names.length;
    if (count === 0) return;
    const connection = this.connections;
    const keys: MetricKey[] = new Array(count);
    const added: MetricKey[] = [];
    for (let i = 0; i < count; i++) {
      const key = this.appends.key(g.names[i]);
      keys[i] = key;
      if (!this.known.has(key.key)) added.push(key);
    }
    // The set's size travels in the same pipeline, right behind the appends that add to it.
    let setSize: number;
    if (this.cluster) {
      const payloads = encodeEach(keys.map((_, i) => pointsOf(g, i)));
      // Few keys share a slot, so plain APPENDs, auto-pipelined per node, beat a script call per slot.
      // The size goes last in the same round, so it is read after the appends and SADD of that round.
      const sent = await this.resendFailed<unknown>([
        ...keys.map((k, i) => () => this.client.append(k.key, payloads[i])),
        ...(added.length ? [() => this.client.sadd(UNIQUE_METRICS, ...added.map((k) => k.key))] : []),
        () => this.client.scard(UNIQUE_METRICS),
      ]);
      setSize = sent[sent.length - 1] as number;
    } else {
      const fresh = new Set(added);
      setSize = 0;
      for (let from = 0; from < count; from += SCRIPT_KEYS) {
        const to = Math.min(count, from + SCRIPT_KEYS);
        const sent = this.appends.append(
          keys,
          g,
          from,
          to,
          keys.slice(from, to).filter((k) => fresh.has(k)),
        );
        if (to < count) await sent;
        else setSize = await this.afterAppends(sent);
      }
    }
    for (const k of added) this.known.add(k.key);
    if (setSize < this.known.size || connection !== this.connections) await this.repairMetricSet(keys);
  }

  /** On a cluster, `commands` with only the failed ones sent again (core/store/redis/resendFailed.ts). */
  private resendFailed<T>(commands: ReadonlyArray<() => Promise<T>>): Promise<T[]> {
    return resendFailed(
      commands,
      () => this.closing,
      (errors) => {
        // A MOVED inside an auto-pipeline reaches the caller instead of being followed, and ioredis
        // keeps routing the slot to the dead master (its slot map is only refreshed on a MOVED it
        // follows): the failover test hung there. Ask the cluster for the current map.
        if (errors.some((e) => /^MOVED /.test((e as Error)?.message ?? '')))
          (this.client as Cluster).refreshSlotsCache();
      },
    );
  }

  /** Waits for `appends` and answers the metric set's size as it was just after them. */
  private async afterAppends(appends: Promise<unknown>): Promise<number> {
    const [, size] = await Promise.all([appends, this.client.scard(UNIQUE_METRICS)]);
    return size;
  }

  /**
   * The set holds fewer names than this connection added to it and did not see trimmed: Redis lost it
   * (or a roomba elsewhere trimmed names this connection has not been told of, which this repair
   * also gets right). Or these appends were queued across a reconnect, with SADDs decided before it.
   * The names just written go back now; every other name goes back with its next
   * point, so a name whose key Redis lost as well is not listed with no data.
   */
  private async repairMetricSet(written: ReadonlyArray<MetricKey>): Promise<void> {
    this.known.clear();
    this.metricSetRepairs++;
    await this.client.sadd(UNIQUE_METRICS, ...written.map((k) => k.key));
    for (const k of written) this.known.add(k.key);
  }

  /**
   * Another connection's trim forgot these metrics (deleted the key and left the metric set): the next
   * append of each must add it to the set again, so this connection stops treating them as known.
   */
  forget(names: ReadonlyArray<string>): void {
    for (const n of names) this.known.delete(metricKey(n));
  }

  async listMetrics(): Promise<string[]> {
    const list = () => this.client.smembers(UNIQUE_METRICS);
    // Like the window reads: on a cluster, waits for the set's master to be failed over.
    const [keys] = this.cluster ? await this.resendFailed([list]) : [await list()];
    return keys
      .filter((k) => k.startsWith(METRIC_PREFIX))
      .map((k) => k.slice(METRIC_PREFIX.length))
      .sort();
  }

  async readRawWindows(names: ReadonlyArray<string>): Promise<Array<Uint8Array | null>> {
    return this.mgetBuffers(names.map(metricKey));
  }

  private async mgetBuffers(keys: ReadonlyArray<string>): Promise<Array<Uint8Array | null>> {
    const out = new Array<Uint8Array | null>(keys.length);
    const chunks = this.slotGroups(keys).flatMap((g) => inRuns(g, READ_CHUNK));
    const reads = chunks.map((chunk) => async () => {
      const got = await this.client.mgetBuffer(...chunk.map((j) => keys[j]));
      chunk.forEach((j, n) => {
        out[j] = got[n];
      });
    });
    // All in flight at once: on a cluster most chunks are one key, auto-pipelined per node. There, the
    // reads of a failed master's slots wait for its replica's promotion, as reads wait for a single
    // Redis that is away, so a reader's deadline, not a failure, ends what it cannot read yet.
    await (this.cluster ? this.resendFailed(reads) : Promise.all(reads.map((read) => read())));
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
    const key = metricKey(name);
    // On a cluster the script may hand back an undecodable key's bytes: read them as a Buffer, unchanged.
    const [kept, removed, forgotten, quarantined, undecodable] = (
      this.cluster
        ? await this.script('kaleTrimBuffer')([1, key, String(cutoff)])
        : await this.script('kaleTrim')([3, key, UNIQUE_METRICS, quarantineKey(name), String(cutoff)])
    ) as [number, number, number, number, Buffer?];
    if (this.cluster && (forgotten || quarantined)) {
      if (undecodable !== undefined) await this.client.set(quarantineKey(name), undecodable);
      await this.client.srem(UNIQUE_METRICS, key);
    }
    if (forgotten || quarantined) this.known.delete(key);
    return { kept, removed, forgotten: forgotten === 1, quarantined: quarantined === 1 };
  }

  async torusWrite(writes: ReadonlyArray<TorusWrite>): Promise<void> {
    if (writes.length === 0) return;
    const keys: string[] = [];
    const args: string[] = [];
    for (const w of writes) {
      const expiry = `${w.rolling ? '-' : ''}${Math.ceil(w.expireAt)}`;
      keys.push(w.key);
      args.push(TYPE_CODE[w.type], String(w.value), expiry);
      if (w.index) {
        keys.push(w.index.key);
        args.push(TYPE_CODE.set, w.index.member, expiry);
      }
    }
    const torus = this.script('kaleTorus');
    const runs = this.slotGroups(keys).flatMap((g) => inRuns(g, SCRIPT_KEYS));
    const calls = runs.map(
      (run) => () =>
        torus([run.length, ...run.map((i) => keys[i]), ...run.flatMap((i) => args.slice(3 * i, 3 * i + 3))]),
    );
    // Counts and series are not idempotent: on a cluster, a run that succeeded is never sent again.
    await (this.cluster ? this.resendFailed(calls) : Promise.all(calls.map((call) => call())));
  }

  async torusRead(type: TorusType, keys: ReadonlyArray<string>): Promise<Array<TorusValue | null>> {
    // Sent together by auto-pipelining (per node on a cluster).
    const res: unknown[] = await Promise.all(
      keys.map((k) => {
        switch (type) {
          case 'series':
            return this.client.lrange(k, 0, -1);
          case 'set':
            return this.client.smembers(k);
          case 'histogram':
            return this.client.hgetall(k);
          case 'count':
          case 'gauge':
            return this.client.get(k);
        }
      }),
    );
    return res.map((r): TorusValue | null => {
      switch (type) {
        case 'series': {
          const a = r as string[];
          return a.length ? { type, values: a.map(Number) } : null;
        }
        case 'histogram': {
          const h = r as Record<string, string>;
          const entries = Object.entries(h);
          return entries.length ? { type, counts: new Map(entries.map(([k, v]) => [k, Number(v)])) } : null;
        }
        case 'count':
          return r == null ? null : { type, total: Number(r) };
        case 'gauge':
          return r == null ? null : { type, last: String(r) };
        case 'set': {
          const a = r as string[];
          return a.length ? { type, members: a } : null;
        }
      }
    });
  }

  async torusIndex(key: string): Promise<string[]> {
    return this.client.smembers(key);
  }

  async torusKeys(pattern: string): Promise<string[]> {
    const found = new Set<string>();
    // A cluster's keys are spread over its masters; each is scanned on its own.
    const nodes = this.client instanceof Cluster ? this.client.nodes('master') : [this.client];
    for (const node of nodes) {
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        for (const k of keys) found.add(k);
      } while (cursor !== '0');
    }
    return [...found].sort();
  }

  async recordAnomalies(
    current: ReadonlyArray<AnomalyRecord>,
    retention: number,
    carried: ReadonlyArray<AnomalyRecord> = [],
  ): Promise<void> {
    const newest = current.reduce((m, r) => Math.max(m, r.detectedAt), Date.now() / 1000);
    // Two keys in two slots on a cluster: separate commands, sent together by auto-pipelining.
    await Promise.all([
      this.client.set(ANOMALIES_CURRENT, JSON.stringify([...current, ...carried])),
      ...current.map((r) => this.client.zadd(ANOMALIES_HISTORY, r.detectedAt, JSON.stringify(r))),
      this.client.zremrangebyscore(ANOMALIES_HISTORY, '-inf', `(${newest - retention}`),
    ]);
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

  async readMetricState(kind: string, names: ReadonlyArray<string>): Promise<Array<Uint8Array | null>> {
    return this.mgetBuffers(names.map((n) => metricStateKey(kind, n)));
  }

  async writeMetricState(
    kind: string,
    entries: ReadonlyArray<readonly [string, Uint8Array]>,
    ttl: number,
  ): Promise<void> {
    // One SET each, auto-pipelined: a batch spans every slot on a cluster, and SET carries the expiry.
    await Promise.all(
      entries.map(([name, bytes]) =>
        this.client.set(
          metricStateKey(kind, name),
          Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
          'EX',
          Math.ceil(ttl),
        ),
      ),
    );
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

  /** Lets queued commands finish for up to CLOSE_MS while Redis answers; never waits on a Redis that is away. */
  async close(): Promise<void> {
    clearTimeout(this.firstConnectionTimer);
    this.closing = true;
    if (this.client.status === 'ready') {
      await Promise.race([
        this.client.quit().catch(() => {}),
        new Promise((r) => setTimeout(r, CLOSE_MS).unref()),
      ]);
    }
    this.client.disconnect();
  }
}

function metricStateKey(kind: string, name: string): string {
  return `kale.state.${kind}.${name}`;
}

const TYPE_CODE: Record<TorusType, string> = {
  series: 's',
  histogram: 'h',
  count: 'c',
  gauge: 'g',
  set: 't',
};
