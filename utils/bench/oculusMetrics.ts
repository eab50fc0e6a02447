import type { KaleConfig } from '../../core/config/schema.js';
import { EmbeddedStore } from '../../core/store/embeddedStore.js';
import type { AppendBatch, Point, Series } from '../../core/store/store.js';
import { importShapes } from '../../oculus/importer.js';
import { ElasticShapeIndex } from '../../oculus/index/elasticIndex.js';
import { EmbeddedShapeIndex } from '../../oculus/index/embeddedIndex.js';
import type { ShapeIndex, ShapeQuery } from '../../oculus/index/shapeIndex.js';
import { ShapeScorer, type ScorerName } from '../../oculus/search/scorer.js';
import { TopK } from '../../oculus/search/topK.js';
import { shapeFromSeries, type Shape } from '../../oculus/shapes/shape.js';
import { gaussian, seededRandom } from '../seed/random.js';
import { elasticFigures } from './oculusElasticFigures.js';
import { compareFastDtw, type FastDtwComparison } from './oculusFastDtw.js';
import { percentile } from './stats.js';

const K = 20;
const POINTS = 60;
const NOW = 1_800_000_000;
const TIMESTAMPS = Float64Array.from({ length: POINTS }, (_, i) => NOW - 3600 + i * 60);

/**
 * `n` one-hour metrics (60 points at 60 s) from a handful of families — random walks, sines, spikes,
 * steps, ramps, white noise — with random scale, offset and noise; every 100th flat. Seeded. Values
 * are kept in one Float32Array (n × 60) so 250,000 metrics stay small.
 */
export function generateMetrics(n: number, seed = 42): { names: string[]; values: Float32Array } {
  const rand = seededRandom(seed);
  const names: string[] = [];
  const values = new Float32Array(n * POINTS);
  for (let m = 0; m < n; m++) {
    const family = Math.floor(rand() * 6);
    const scale = 1 + rand() * 100;
    const offset = rand() * 1000;
    const noise = rand() * 0.3;
    const a = rand(),
      b = rand();
    let walk = 0;
    for (let i = 0; i < POINTS; i++) {
      let v: number;
      if (family === 0) v = walk += gaussian(rand);
      else if (family === 1) v = Math.sin((i / (5 + a * 30)) * 2 * Math.PI + b * 6.3);
      else if (family === 2) v = Math.abs(i - Math.floor(a * 60)) < 2 + b * 3 ? 5 : 0;
      else if (family === 3) v = i >= Math.floor(a * 60) ? 1 : 0;
      else if (family === 4) v = ((i + b * 60) % (10 + a * 50)) / 10;
      else v = gaussian(rand);
      values[m * POINTS + i] = m % 100 === 99 ? offset : offset + scale * (v + noise * gaussian(rand));
    }
    names.push(`bench.f${family}.host${m % 1000}.m${m}`);
  }
  return { names, values };
}

const seriesOf = (values: Float32Array, m: number): Series => ({
  timestamps: TIMESTAMPS,
  values: Float64Array.from(values.subarray(m * POINTS, (m + 1) * POINTS)),
});

/** The exact top k by scoring every shape (early abandoning only, no index): the reference for recall. */
function bruteForce(
  z: Float32Array,
  flat: Uint8Array,
  names: string[],
  q: Shape,
  scorer: ScorerName,
): Set<string> {
  const s = new ShapeScorer(q.z, q.paa, { scorer, band: 10, radius: 10 });
  const top = new TopK<number>(K);
  for (let m = 0; m < names.length; m++) {
    if (flat[m] || names[m] === q.name) continue;
    top.offer(s.exactAt(z, m * POINTS, top.worst), m);
  }
  return new Set(top.sorted().map((h) => names[h.item]));
}

export interface BackendFigures {
  index_s: number;
  index_cpu_s: number;
  euclidean_p50_ms: number;
  euclidean_p95_ms: number;
  dtw_p50_ms: number;
  dtw_p95_ms: number;
  euclidean_recall_at_20: number;
  dtw_recall_at_20: number;
  /** Elasticsearch: a fresh process's first load of the shapes it searches. */
  cold_load_s?: number;
  /** Elasticsearch: the first import into the just-started server (its JVM still compiling the indexing code). */
  first_index_s?: number;
  /** This process's resident set after the import and searches, and its growth since before the import. */
  rss_mb: number;
  rss_growth_bytes_per_shape: number;
  /** Embedded: the table's columns and DTW row envelopes; Elasticsearch: the index on the server's disk. */
  bytes_per_shape: number;
  /** Elasticsearch: the server's resident set and the CPU it spent on the timed import. */
  server_rss_mb?: number;
  server_index_cpu_s?: number;
}

export interface BenchMetricsOptions {
  /** Rows (0: no comparison) and queries of the FastDTW comparison (FastDTW has no lower bound: it scores every row). */
  readonly fastDtwRows: number;
  readonly fastDtwQueries: number;
}

/** What a backend's run measures of its own beside the common figures. */
interface BackendProbe {
  beforeImport?(): Promise<void>;
  afterImport?(): Promise<Record<string, number>>;
  /** Bytes the backend holds for the bench's window, after the searches. */
  bytes(): Promise<number>;
}

const MB = 1024 * 1024;
const rssBytes = () => {
  // With --expose-gc, garbage of the previous phase is not counted as the next one's memory.
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss;
};

/**
 * Loads `n` generated metrics into an embedded Store, then for each backend: one timed import
 * (read windows, shapes, index; for Elasticsearch after a first import that warms the server), and `queries` top-20 searches per scorer, timed, with recall@20
 * against brute force over the same shapes.
 */
export async function benchMetrics(
  config: KaleConfig,
  n: number,
  queries: number,
  esUrl: string | null,
  onProgress: (label: string) => void,
  options: BenchMetricsOptions = { fastDtwRows: 20_000, fastDtwQueries: 10 },
): Promise<Record<string, BackendFigures | FastDtwComparison | number>> {
  const cfg: KaleConfig = { ...config, oculus: { ...config.oculus, windows: ['1h'] } };
  const dims = cfg.oculus.paaDims;
  const { names, values } = generateMetrics(n);
  const store = EmbeddedStore.open();
  const z = new Float32Array(n * POINTS);
  const flat = new Uint8Array(n);
  for (let from = 0; from < n; from += 10_000) {
    const batch: AppendBatch[] = [];
    for (let m = from; m < Math.min(n, from + 10_000); m++) {
      const points: Point[] = Array.from(TIMESTAMPS, (t, i) => [t, values[m * POINTS + i]] as const);
      batch.push({ name: names[m], points });
      const s = shapeFromSeries(names[m], seriesOf(values, m), '1h', dims)!;
      z.set(s.z, m * POINTS);
      flat[m] = s.flat ? 1 : 0;
    }
    await store.append(batch);
  }
  const rand = seededRandom(7);
  const picks: Shape[] = [];
  while (picks.length < queries) {
    const m = Math.floor(rand() * n);
    if (!flat[m]) picks.push(shapeFromSeries(names[m], seriesOf(values, m), '1h', dims)!);
  }
  onProgress('brute force');
  const truth = {
    euclidean: picks.map((q) => bruteForce(z, flat, names, q, 'euclidean')),
    dtw: picks.map((q) => bruteForce(z, flat, names, q, 'dtw')),
  };

  let fastdtw: FastDtwComparison | undefined;
  if (options.fastDtwRows > 0) {
    onProgress('fastdtw against cDTW');
    fastdtw = compareFastDtw(
      { z, flat, names, length: POINTS, count: Math.min(n, options.fastDtwRows) },
      picks.slice(0, options.fastDtwQueries),
      { k: K, bandPct: 10, radii: [1, 10, 30] },
    );
  }

  const run = async (
    index: ShapeIndex,
    probe: BackendProbe,
    warmUp?: ShapeIndex,
  ): Promise<BackendFigures> => {
    const first = warmUp && (await timedImport(warmUp, 'first import'));
    onProgress(`${index.kind}: import`);
    const rssBefore = rssBytes();
    await probe.beforeImport?.();
    const cpuStarted = process.cpuUsage();
    const result = await importShapes(cfg, store, index);
    const used = process.cpuUsage(cpuStarted);
    const figures: Record<string, number> = {
      index_s: result.ms / 1000,
      index_cpu_s: (used.user + used.system) / 1e6,
      ...(await probe.afterImport?.()),
    };
    for (const scorer of ['euclidean', 'dtw'] as const) {
      onProgress(`${index.kind}: ${scorer} searches`);
      const times: number[] = [];
      const cpu: number[] = [];
      let recall = 0;
      for (const [i, q] of picks.entries()) {
        const query: ShapeQuery = {
          shape: q,
          k: K,
          scoring: { scorer, band: 10, radius: 10 },
          exclude: { names: [q.name], segments: [] },
        };
        const started = performance.now();
        const cpuStarted = process.cpuUsage();
        const res = await index.search('1h', query);
        times.push(performance.now() - started);
        const used = process.cpuUsage(cpuStarted);
        cpu.push((used.user + used.system) / 1000);
        recall += res.hits.filter((h) => truth[scorer][i].has(h.shape.name)).length / K;
      }
      figures[`${scorer}_p50_ms`] = percentile(times, 50);
      figures[`${scorer}_p95_ms`] = percentile(times, 95);
      // On a shared box wall time includes waiting for a core; this process's CPU time does not (for
      // Elasticsearch it leaves out the server's own work, so read it as the Node side only).
      figures[`${scorer}_cpu_p50_ms`] = percentile(cpu, 50);
      figures[`${scorer}_cpu_p95_ms`] = percentile(cpu, 95);
      figures[`${scorer}_recall_at_20`] = recall / picks.length;
    }
    const rss = rssBytes();
    figures.rss_mb = rss / MB;
    figures.rss_growth_bytes_per_shape = (rss - rssBefore) / n;
    figures.bytes_per_shape = (await probe.bytes()) / n;
    await index.close();
    return {
      ...figures,
      ...(first === undefined ? {} : { first_index_s: first }),
    } as unknown as BackendFigures;
  };
  const timedImport = async (index: ShapeIndex, label: string): Promise<number> => {
    onProgress(`${index.kind}: ${label}`);
    const seconds = (await importShapes(cfg, store, index)).ms / 1000;
    await index.close();
    return seconds;
  };

  const out: Record<string, BackendFigures | FastDtwComparison | number> = { metrics: n, queries };
  const embedded = new EmbeddedShapeIndex(null, dims);
  out.embedded = await run(embedded, { bytes: async () => embedded.columnBytes('1h') });
  if (esUrl) {
    const { search, knnCandidates } = config.elasticsearch;
    const options = { url: esUrl, prefix: `kale-bench-${Date.now()}`, paaDims: dims, search, knnCandidates };
    const timed = new ElasticShapeIndex(options);
    const server = elasticFigures(timed.client);
    let cpuBefore = 0;
    // The timed import is the second into this server, as every import of a running `kale oculus`
    // after its first is; the first (into its own indices) is reported beside it as first_index_s.
    const figures = await run(
      timed,
      {
        beforeImport: async () => {
          cpuBefore = await server.cpuSeconds();
        },
        afterImport: async () => ({
          server_index_cpu_s: (await server.cpuSeconds()) - cpuBefore,
          server_rss_mb: (await server.rssBytes()) / MB,
        }),
        bytes: () => server.storeBytes(timed.alias('1h')),
      },
      new ElasticShapeIndex({ ...options, prefix: `${options.prefix}-first` }),
    );
    // Another process (the webapp, `kale similar`) first loads its copy of the shapes from the server.
    onProgress('elasticsearch: cold load');
    const reader = new ElasticShapeIndex(options);
    const started = performance.now();
    await reader.count('1h');
    out.elasticsearch = { ...figures, cold_load_s: (performance.now() - started) / 1000 };
    await reader.close();
  }
  if (fastdtw) out.fastdtw = fastdtw;
  await store.close();
  return out;
}
