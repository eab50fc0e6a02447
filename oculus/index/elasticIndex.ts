import { Client, errors, type estypes } from '@elastic/elasticsearch';
import { elasticsearchNodes } from '../../core/config/elasticsearchNodes.js';
import { ShapeIndexUnavailableError } from '../errors.js';
import type { ShapeChunks } from '../shapeChunks.js';
import type { Shape } from '../shapes/shape.js';
import { WINDOW_GRIDS, type ShapeWindow } from '../shapes/windows.js';
import { BulkBodies, shapeMapping } from './elasticDocs.js';
import { isTransient, TRANSIENT_ITEM_ERRORS, TransientError, withRetries } from './elasticRetry.js';
import { foundTable, loadTable } from './elasticTable.js';
import { ScanPool, type ScanOptions } from './scanPool.js';
import type { ShapeIndex, ShapeQuery, ShapeSearchResult } from './shapeIndex.js';
import { ShapeTable } from './shapeTable.js';
import { TableBuilder } from './tableBuilder.js';
import { searchTable } from './tableSearch.js';

export interface ElasticIndexOptions {
  /** One URL, or a cluster's node URLs separated by commas (core/config/elasticsearchNodes.ts). */
  readonly url: string;
  /** Alias prefix; each window is the alias `<prefix>-<window>` over a timestamped index. */
  readonly prefix: string;
  readonly paaDims: number;
  /** Size of one bulk request body (default 4 MB; tests make it small to have many in flight). */
  readonly bulkBytes?: number;
  readonly scan?: ScanOptions;
  /**
   * `scan` (default): exact, over this process's copy of the shapes. `knn`: Elasticsearch's knn on
   * the PAA vector picks `knnCandidates` candidates, rescored exactly here; no copy is held (for indexes
   * too large to copy), but the top k is only as good as the candidates (see docs/oculus.md).
   */
  readonly search?: 'scan' | 'knn';
  readonly knnCandidates?: number;
  /** Replicas of each new index; 'auto' (default): 1 when the cluster has more than one data node, else 0. */
  readonly replicas?: number | 'auto';
}

/** Flat shapes fetched for a flat query in knn mode (ranked here by level). */
const FLAT_LIMIT = 10_000;

/** Bulk bodies of about this size, this many in flight: the server shares the machine's cores. */
const BULK_BYTES = 4_000_000;
const BULK_IN_FLIGHT = 3;
/** Tries of one bulk body, of publishing, of loading a copy: 250 ms … 4 s apart, about 8 s in all. */
const ATTEMPTS = 6;
/** How long publishing waits for copies of a new index still being built before settling for what is live. */
const COPIES_WAIT = '30s';
/**
 * How long one bulk request waits for a shard's primary. A lost primary with a live replica is replaced
 * within a second on a LAN; longer means no copy is left, which the retry's health check then finds.
 */
const BULK_SHARD_WAIT = '10s';

/**
 * The shape index in Elasticsearch. A full import builds a new index with the bulk API and swaps the
 * window's alias onto it atomically, then drops the old one, so searches never see half an import.
 *
 * Searches are exact: Elasticsearch holds and ships the shapes, and each process keeps a compact copy
 * of the index behind each alias (the embedded index's float32 columns) on which it runs the same
 * exact scan as the embedded index (PAA bounds, then the LB_Kim → LB_Keogh → early-abandoning cascade).
 * (A knn on PAA vectors could not: its distance does not bound DTW tightly enough to know when the
 * top k is complete, and fetching candidates' values costs more than scanning a local copy.) The copy is reloaded when the alias moves to a new index (one alias
 * lookup per search); the importing process keeps the shapes it just wrote.
 */
export class ElasticShapeIndex implements ShapeIndex {
  readonly kind = 'elasticsearch' as const;
  readonly client: Client;
  /**
   * Attempts repeated after a transient failure, for benchmarks: `resent` by the client to the next
   * node (a connection refused or reset), `bulk`, `publish` and `load` here (a node lost mid-import or
   * mid-load).
   */
  readonly retries = { resent: 0, bulk: 0, publish: 0, load: 0 };
  private readonly tables = new Map<ShapeWindow, { index: string; table: Promise<ShapeTable> }>();
  private readonly pool: ScanPool;

  constructor(private readonly opts: ElasticIndexOptions) {
    const nodes = elasticsearchNodes(opts.url);
    // A request that fails on one node is sent again to the next, so a dead node costs one retry.
    this.client = new Client({ nodes, maxRetries: Math.max(1, nodes.length), requestTimeout: 60_000 });
    this.client.diagnostic.on('response', (_err, result) => {
      this.retries.resent += result?.meta.attempts ?? 0;
    });
    this.pool = new ScanPool(opts.scan);
  }

  alias(window: ShapeWindow): string {
    return `${this.opts.prefix}-${window}`;
  }

  /**
   * Builds the window's next generation in a new index and publishes it. With replicas, every bulk
   * write reaches both copies before it is acknowledged, so losing a node mid-import costs retries of
   * the bodies in flight (idempotent: a shape's id is its name), not the generation. The alias moves
   * only once the new index is refreshed, holds every shape sent and has its copies; a generation that
   * fails anyway is deleted and the error thrown (the oculus service retries the pass).
   */
  async replace(window: ShapeWindow, chunks: ShapeChunks): Promise<void> {
    await this.call(async () => {
      const alias = this.alias(window);
      const index = `${alias}-${Date.now()}`;
      const grid = WINDOW_GRIDS[window];
      const dims = Math.min(this.opts.paaDims, grid.points);
      const { copies, placeable } = await this.copies();
      await this.client.indices.create({
        index,
        // The index is rebuilt every pass and only published once refreshed: no fsync per bulk request.
        settings: {
          number_of_shards: 1,
          number_of_replicas: copies - 1,
          refresh_interval: '-1',
          'translog.durability': 'async',
        },
        mappings: shapeMapping(this.knn ? dims : undefined),
        // Every copy started before the first write, so every acknowledged shape is on each of them.
        wait_for_active_shards: placeable,
      });
      const builder = this.knn ? undefined : new TableBuilder(window, grid.step, grid.points, dims);
      try {
        const sent = await this.bulk(index, chunks, builder);
        await this.retrying('publish', () => this.checkComplete(index, sent));
      } catch (err) {
        await this.client.indices.delete({ index }).catch(() => {});
        throw err;
      }
      const old = await this.retrying('publish', () => this.swapAlias(alias, index));
      const orphans = await this.orphansBefore(alias, index);
      if (old.length + orphans.length) await this.client.indices.delete({ index: [...old, ...orphans] });
      if (builder) this.tables.set(window, { index, table: Promise.resolve(builder.build()) });
    });
  }

  /**
   * Copies of each shard a new index gets (the configured replicas, or 'auto' from the data nodes live
   * now), and how many of them the live nodes can hold (one copy a node).
   */
  private async copies(): Promise<{ copies: number; placeable: number }> {
    const { number_of_data_nodes: dataNodes } = await this.client.cluster.health();
    const replicas = this.opts.replicas ?? 'auto';
    const copies = replicas === 'auto' ? (dataNodes > 1 ? 2 : 1) : 1 + replicas;
    return { copies, placeable: Math.min(copies, dataNodes) };
  }

  /**
   * Refreshes the new index and checks it is whole before anything points at it: no copy still being
   * built (up to COPIES_WAIT; a copy left unassigned by a lost node is not waited for, the cluster
   * places it when it can), a live copy of every shard, and exactly the shapes sent.
   */
  private async checkComplete(index: string, sent: number): Promise<void> {
    await this.client.indices.putSettings({ index, settings: { refresh_interval: '1s' } });
    await this.client.indices.refresh({ index });
    const health = await this.client.cluster.health(
      { index, wait_for_no_initializing_shards: true, timeout: COPIES_WAIT },
      { ignore: [408] },
    );
    if (health.status === 'red')
      throw new Error(`${index} lost every copy of a shard: this generation is abandoned`);
    const { count, _shards: shards } = await this.client.count({ index });
    if (shards.failed > 0 || count !== sent)
      throw new TransientError(`${index} answers ${count} of the ${sent} shapes sent`);
  }

  /**
   * Generations of this alias older than `index` that no alias points at: left by an importer killed
   * mid-build (a failed build deletes its own). A younger one may be another importer's, still building.
   */
  private async orphansBefore(alias: string, index: string): Promise<string[]> {
    const born = (name: string) => Number(name.slice(alias.length + 1));
    const found = await this.client.indices.get({ index: `${alias}-*`, expand_wildcards: 'open' });
    return Object.entries(found)
      .filter(
        ([name, state]) =>
          /^\d+$/.test(name.slice(alias.length + 1)) &&
          born(name) < born(index) &&
          Object.keys(state.aliases ?? {}).length === 0,
      )
      .map(([name]) => name);
  }

  /** Points the alias at `index` alone; answers the indexes it left. Safe to repeat after a lost answer. */
  private async swapAlias(alias: string, index: string): Promise<string[]> {
    const old = (await this.aliasTargets(alias)).filter((i) => i !== index);
    await this.client.indices.updateAliases({
      actions: [...old.map((i) => ({ remove: { index: i, alias } })), { add: { index, alias } }],
    });
    return old;
  }

  private retrying<T>(
    kind: keyof ElasticShapeIndex['retries'],
    attempt: () => Promise<T>,
    beforeRetry?: () => Promise<void>,
  ): Promise<T> {
    return withRetries(attempt, {
      attempts: ATTEMPTS,
      retryable: isTransient,
      onRetry: () => this.retries[kind]++,
      beforeRetry,
    });
  }

  /**
   * Red: a shard of the index being built has no live copy (its only one was on a lost node), so no
   * retry can finish this generation; failing it now lets the next pass build one on the live nodes.
   */
  private async checkNotLost(index: string): Promise<void> {
    const { status } = await this.client.cluster.health({ index });
    if (status === 'red')
      throw new Error(`${index} lost every copy of a shard: this generation is abandoned`);
  }

  private get knn(): boolean {
    return this.opts.search === 'knn';
  }

  async get(window: ShapeWindow, name: string): Promise<Shape | null> {
    const table = this.knn
      ? await this.found(window, { query: { term: { name } }, size: 1 })
      : await this.table(window);
    const row = table.rows.get(name);
    return row === undefined ? null : table.shape(row);
  }

  async count(window: ShapeWindow): Promise<number> {
    if (!this.knn) return (await this.table(window)).count;
    return this.call(async () => {
      const [index] = await this.aliasTargets(this.alias(window));
      return index ? (await this.client.count({ index })).count : 0;
    });
  }

  async search(window: ShapeWindow, query: ShapeQuery): Promise<ShapeSearchResult> {
    if (!this.knn) return searchTable(await this.table(window), query, this.pool);
    const { shape, exclude } = query;
    const mustNot: estypes.QueryDslQueryContainer[] = [];
    if (exclude.names.length) mustNot.push({ terms: { name: [...exclude.names] } });
    if (exclude.segments.length) mustNot.push({ terms: { segments: [...exclude.segments] } });
    const filter: estypes.QueryDslQueryContainer = {
      bool: { filter: [{ term: { flat: shape.flat } }], must_not: mustNot },
    };
    if (shape.flat) return searchTable(await this.found(window, { query: filter, size: FLAT_LIMIT }), query);
    const k = Math.max(query.k, this.opts.knnCandidates ?? 500);
    const knn = {
      field: 'paa',
      query_vector: Array.from(shape.paa),
      k,
      num_candidates: Math.min(10_000, 2 * k),
      filter,
    };
    return searchTable(await this.found(window, { knn, size: k }), query);
  }

  /** knn mode: the shapes one search finds in the index behind the window's alias, as a table. */
  private async found(window: ShapeWindow, request: Parameters<typeof foundTable>[4]): Promise<ShapeTable> {
    return this.call(async () => {
      const [index] = await this.aliasTargets(this.alias(window));
      return index
        ? foundTable(this.client, index, window, this.opts.paaDims, request)
        : this.emptyTable(window);
    });
  }

  private emptyTable(window: ShapeWindow): ShapeTable {
    const grid = WINDOW_GRIDS[window];
    return ShapeTable.empty(window, grid.step, grid.points, Math.min(this.opts.paaDims, grid.points));
  }

  async close(): Promise<void> {
    this.tables.clear();
    await this.pool.close();
    await this.client.close();
  }

  /**
   * Sends the shapes as NDJSON bulk bodies as their chunks arrive, up to BULK_IN_FLIGHT requests at a
   * time: the server indexes while the importer still reads and builds shapes. Any rejected document
   * fails the import, unless it was refused for a transient reason and a later try takes it. In scan
   * mode every shape sent also goes into `table`, this process's copy. Answers the shapes sent.
   */
  private async bulk(index: string, chunks: ShapeChunks, table: TableBuilder | undefined): Promise<number> {
    const bodies = new BulkBodies(index, this.opts.bulkBytes ?? BULK_BYTES, this.knn);
    const inFlight = new Set<Promise<void>>();
    let failure: { error: unknown } | null = null;
    let sent = 0;
    const send = async (body: string): Promise<void> => {
      if (inFlight.size >= BULK_IN_FLIGHT) await Promise.race(inFlight);
      if (failure) throw failure.error;
      const request = this.retrying(
        'bulk',
        () => this.sendBulk(index, body),
        () => this.checkNotLost(index),
      ).catch((error: unknown) => {
        failure ??= { error };
      });
      const tracked = request.then(() => {
        inFlight.delete(tracked);
      });
      inFlight.add(tracked);
    };
    for await (const chunk of chunks) {
      for (const s of chunk) {
        table?.add(s);
        sent++;
        const body = bodies.add(s);
        if (body) await send(body);
      }
    }
    const rest = bodies.flush();
    if (rest) await send(rest);
    await Promise.all(inFlight);
    if (failure) throw (failure as { error: unknown }).error;
    return sent;
  }

  private async sendBulk(index: string, body: string): Promise<void> {
    // Only failures come back: parsing a quarter-million acknowledgements costs this process ~1 s.
    const res = await this.client.transport.request<{
      errors: boolean;
      items?: Array<{ index?: { error?: { type?: string } } }>;
    }>({
      method: 'POST',
      path: '/_bulk',
      bulkBody: body,
      querystring: { filter_path: 'errors,items.*.error', timeout: BULK_SHARD_WAIT },
    });
    if (res.errors) {
      const failed = (res.items ?? []).filter((it) => it.index?.error);
      const message = `bulk import into ${index}: ${failed.length} documents failed, first: ${JSON.stringify(failed[0]?.index?.error)}`;
      // Sent again whole: the documents taken are overwritten with themselves.
      if (failed.every((it) => TRANSIENT_ITEM_ERRORS.has(it.index?.error?.type ?? '')))
        throw new TransientError(message);
      throw new Error(message);
    }
  }

  /** The copy of the index behind the window's alias, loaded when the alias has moved. */
  private async table(window: ShapeWindow): Promise<ShapeTable> {
    return this.call(async () => {
      const [index] = await this.aliasTargets(this.alias(window));
      const held = this.tables.get(window);
      if (held && held.index === (index ?? '')) return held.table;
      const table = index
        ? this.retrying('load', () => loadTable(this.client, index, window, this.opts.paaDims))
        : Promise.resolve(this.emptyTable(window));
      // Shared by concurrent searches; a failed load is forgotten so the next search tries again.
      this.tables.set(window, { index: index ?? '', table });
      table.catch(() => {
        if (this.tables.get(window)?.table === table) this.tables.delete(window);
      });
      return table;
    });
  }

  private async aliasTargets(alias: string): Promise<string[]> {
    const res = await this.client.indices.getAlias({ name: alias }, { ignore: [404] });
    return Object.keys(res).filter((k) => k !== 'error' && k !== 'status');
  }

  /** Connection failures become one clear ShapeIndexUnavailableError naming the server. */
  private async call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (
        err instanceof errors.ConnectionError ||
        err instanceof errors.TimeoutError ||
        err instanceof errors.NoLivingConnectionsError
      ) {
        throw new ShapeIndexUnavailableError(
          `Elasticsearch at ${this.opts.url} is unreachable: ${err.message}`,
        );
      }
      if (err instanceof errors.ResponseError) {
        throw new ShapeIndexUnavailableError(
          `Elasticsearch at ${this.opts.url} refused the request: ${err.message}`,
        );
      }
      throw err;
    }
  }
}
