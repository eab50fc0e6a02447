import { Client, errors } from '@elastic/elasticsearch';
import { ShapeIndexUnavailableError } from '../errors.js';
import { ShapeScorer } from '../search/scorer.js';
import { TopK } from '../search/topK.js';
import type { Shape } from '../shapes/shape.js';
import { WINDOW_GRIDS, type ShapeWindow } from '../shapes/windows.js';
import { fromDoc, shapeMapping, toDoc, type ShapeDoc } from './elasticDocs.js';
import { levelScore, type ShapeIndex, type ShapeQuery, type ShapeSearchResult } from './shapeIndex.js';

/** Elasticsearch's ceiling on knn `k` and `num_candidates`. */
const MAX_KNN = 10_000;

export interface ElasticIndexOptions {
  readonly url: string;
  /** Alias prefix; each window is the alias `<prefix>-<window>` over a timestamped index. */
  readonly prefix: string;
  readonly paaDims: number;
  /** Candidates fetched by knn per search and rescored exactly (Euclidean; DTW takes `dtwCandidates`). */
  readonly candidates: number;
  readonly dtwCandidates: number;
  /** `flat` makes knn an exact scan of the PAA vectors (faster to index, exact candidates); `hnsw` a graph. */
  readonly vectorIndex: 'hnsw' | 'flat';
}

/**
 * The shape index in Elasticsearch. A full import builds a new index with the bulk API and swaps the
 * window's alias onto it atomically, then drops the old one, so searches never see half an import.
 * Search takes candidates by `knn` on the PAA vector (l2_norm), excluding flat shapes, the query
 * metric and excluded name segments in the knn filter, and rescores them exactly in Node.
 * No scripts: the integ-test distribution has no Painless.
 */
export class ElasticShapeIndex implements ShapeIndex {
  readonly kind = 'elasticsearch' as const;
  readonly client: Client;

  constructor(private readonly opts: ElasticIndexOptions) {
    this.client = new Client({ node: opts.url, maxRetries: 1, requestTimeout: 60_000 });
  }

  alias(window: ShapeWindow): string {
    return `${this.opts.prefix}-${window}`;
  }

  async replace(window: ShapeWindow, shapes: ReadonlyArray<Shape>): Promise<void> {
    await this.call(async () => {
      const alias = this.alias(window);
      const index = `${alias}-${Date.now()}`;
      const dims = Math.min(this.opts.paaDims, WINDOW_GRIDS[window].points);
      await this.client.indices.create({
        index,
        settings: { number_of_shards: 1, number_of_replicas: 0, refresh_interval: '-1' },
        mappings: shapeMapping(dims, this.opts.vectorIndex),
      });
      const failures: string[] = [];
      const stats = await this.client.helpers.bulk<ShapeDoc>({
        datasource: shapes.map(toDoc),
        onDocument: (doc) => ({ index: { _index: index, _id: doc.name } }),
        onDrop: (d) => void failures.push(`${d.document.name}: ${JSON.stringify(d.error)}`),
        flushBytes: 5_000_000,
        concurrency: 2,
        retries: 3,
      });
      if (stats.failed > 0) {
        await this.client.indices.delete({ index }).catch(() => {});
        throw new Error(`bulk import into ${index}: ${stats.failed} documents failed, first: ${failures[0]}`);
      }
      await this.client.indices.putSettings({ index, settings: { refresh_interval: '1s' } });
      await this.client.indices.refresh({ index });
      const old = await this.aliasTargets(alias);
      await this.client.indices.updateAliases({
        actions: [...old.map((i) => ({ remove: { index: i, alias } })), { add: { index, alias } }],
      });
      if (old.length) await this.client.indices.delete({ index: old });
    });
  }

  async get(window: ShapeWindow, name: string): Promise<Shape | null> {
    return this.call(async () => {
      const res = await this.client.get<ShapeDoc>({ index: this.alias(window), id: name }, { ignore: [404] });
      return res.found && res._source ? fromDoc(res._source) : null;
    });
  }

  async count(window: ShapeWindow): Promise<number> {
    return this.call(async () => {
      const res = await this.client.count({ index: this.alias(window), ignore_unavailable: true, allow_no_indices: true });
      return res.count;
    });
  }

  async search(window: ShapeWindow, query: ShapeQuery): Promise<ShapeSearchResult> {
    return this.call(() => (query.shape.flat ? this.searchFlat(window, query) : this.searchShape(window, query)));
  }

  async close(): Promise<void> {
    await this.client.close();
  }

  /**
   * knn candidates around the scorer's PAA region, rescored exactly. With `flat` vectors knn is exact
   * in PAA space, so the last candidate's distance bounds every shape not fetched: when even that
   * bound cannot beat the k-th exact score the answer is the exact top k; otherwise fetch 4× more,
   * up to Elasticsearch's 10,000 (FastDTW, whose envelope is the whole range, takes one round).
   */
  private async searchShape(window: ShapeWindow, query: ShapeQuery): Promise<ShapeSearchResult> {
    const scorer = new ShapeScorer(query.shape.z, query.shape.paa, query.scoring);
    const { centre, reach } = scorer.candidateRegion();
    const top = new TopK<ShapeDoc>(query.k);
    const seen = new Set<string>();
    let want = Math.max(query.k, query.scoring.scorer === 'euclidean' ? this.opts.candidates : this.opts.dtwCandidates);
    for (;;) {
      const res = await this.client.search<ShapeDoc>({
        index: this.alias(window),
        ignore_unavailable: true,
        allow_no_indices: true,
        size: want,
        knn: {
          field: 'paa',
          query_vector: Array.from(centre),
          k: want,
          num_candidates: Math.min(MAX_KNN, Math.ceil(want * 1.5)),
          filter: { bool: { filter: [{ term: { flat: false } }], must_not: this.mustNot(query) } },
        },
        _source: { excludes: ['paa', 'sax', 'fingerprint', 'segments'] },
      });
      const hits = res.hits.hits;
      for (const hit of hits) {
        if (!hit._source || seen.has(hit._source.name)) continue;
        seen.add(hit._source.name);
        top.offer(scorer.exact(hit._source.z, top.worst), hit._source);
      }
      // l2_norm scores are 1 / (1 + distance²): the farthest fetched candidate's PAA distance.
      const last = hits.length ? Math.sqrt(1 / (hits[hits.length - 1]._score ?? 1) - 1) : Infinity;
      const exhausted = hits.length < want;
      if (exhausted || last >= reach(top.worst) || want >= MAX_KNN || query.scoring.scorer === 'fastdtw') break;
      want = Math.min(MAX_KNN, want * 4);
    }
    return { hits: top.sorted().map(({ score, item }) => ({ score, shape: fromDoc({ ...item, paa: [], sax: '', fingerprint: '' }) })), examined: seen.size };
  }

  /** Flat shapes, nearest level first: the k nearest at or above the query's level and below it. */
  private async searchFlat(window: ShapeWindow, query: ShapeQuery): Promise<ShapeSearchResult> {
    const level = query.shape.stats.mean;
    const side = (range: Record<string, number>, order: 'asc' | 'desc') => this.client.search<ShapeDoc>({
      index: this.alias(window),
      ignore_unavailable: true,
      allow_no_indices: true,
      size: query.k,
      query: { bool: { filter: [{ term: { flat: true } }, { range: { mean: range } }], must_not: this.mustNot(query) } },
      sort: [{ mean: order }, { name: 'asc' }],
    });
    const [above, below] = await Promise.all([side({ gte: level }, 'asc'), side({ lt: level }, 'desc')]);
    const top = new TopK<ShapeDoc>(query.k);
    const docs = [...above.hits.hits, ...below.hits.hits].flatMap((h) => (h._source ? [h._source] : []));
    for (const d of docs) top.offer(levelScore(query.shape, d.mean), d);
    return { hits: top.sorted().map(({ score, item }) => ({ score, shape: fromDoc(item) })), examined: docs.length };
  }

  private mustNot(query: ShapeQuery) {
    const clauses: object[] = [];
    if (query.exclude.names.length) clauses.push({ terms: { name: [...query.exclude.names] } });
    if (query.exclude.segments.length) clauses.push({ terms: { segments: [...query.exclude.segments] } });
    return clauses;
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
      if (err instanceof errors.ConnectionError || err instanceof errors.TimeoutError || err instanceof errors.NoLivingConnectionsError) {
        throw new ShapeIndexUnavailableError(`Elasticsearch at ${this.opts.url} is unreachable: ${err.message}`);
      }
      if (err instanceof errors.ResponseError) {
        throw new ShapeIndexUnavailableError(`Elasticsearch at ${this.opts.url} refused the request: ${err.message}`);
      }
      throw err;
    }
  }
}
