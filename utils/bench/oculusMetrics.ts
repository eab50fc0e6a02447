import type { KaleConfig } from '../../core/config/schema.js';
import { EmbeddedStore } from '../../core/store/embeddedStore.js';
import type { AppendBatch, Point } from '../../core/store/store.js';
import { importShapes } from '../../oculus/importer.js';
import { ElasticShapeIndex } from '../../oculus/index/elasticIndex.js';
import { EmbeddedShapeIndex } from '../../oculus/index/embeddedIndex.js';
import type { ShapeIndex, ShapeQuery } from '../../oculus/index/shapeIndex.js';
import { ShapeScorer, type ScorerName } from '../../oculus/search/scorer.js';
import { TopK } from '../../oculus/search/topK.js';
import { shapeFromSeries, type Shape } from '../../oculus/shapes/shape.js';
import { gaussian, seededRandom } from '../seed/random.js';
import { percentile } from './stats.js';

const K = 20;
const NOW = 1_800_000_000;

/**
 * `n` one-hour metrics (60 points at 60 s) from a handful of families — random walks, sines, spikes,
 * steps, ramps, noise — with random scale, offset and noise, about 1 % flat. Seeded.
 */
export function generateMetrics(n: number, seed = 42): AppendBatch[] {
  const rand = seededRandom(seed);
  const batches: AppendBatch[] = [];
  for (let m = 0; m < n; m++) {
    const family = Math.floor(rand() * 6);
    const scale = 1 + rand() * 100;
    const offset = rand() * 1000;
    const noise = rand() * 0.3;
    const a = rand(), b = rand();
    let walk = 0;
    const points: Point[] = [];
    for (let i = 0; i < 60; i++) {
      let v: number;
      if (m % 100 === 99) v = 0;
      else if (family === 0) v = (walk += gaussian(rand));
      else if (family === 1) v = Math.sin((i / (5 + a * 30)) * 2 * Math.PI + b * 6.3);
      else if (family === 2) v = Math.abs(i - Math.floor(a * 60)) < 2 + b * 3 ? 5 : 0;
      else if (family === 3) v = i >= Math.floor(a * 60) ? 1 : 0;
      else if (family === 4) v = ((i + b * 60) % (10 + a * 50)) / 10;
      else v = gaussian(rand);
      points.push([NOW - 3600 + i * 60, offset + scale * (m % 100 === 99 ? 0 : v + noise * gaussian(rand))]);
    }
    batches.push({ name: `bench.f${family}.host${m % 1000}.m${m}`, points });
  }
  return batches;
}

/** The exact top k by scoring every shape (early abandoning only): the reference for recall. */
function bruteForce(all: ReadonlyArray<Shape>, q: Shape, scorer: ScorerName): Set<string> {
  const s = new ShapeScorer(q.z, q.paa, { scorer, band: 10, radius: 10 });
  const top = new TopK<string>(K);
  for (const c of all) if (!c.flat && c.name !== q.name) top.offer(s.exact(c.z, top.worst), c.name);
  return new Set(top.sorted().map((h) => h.item));
}

export interface BackendFigures {
  index_s: number;
  euclidean_p50_ms: number;
  euclidean_p95_ms: number;
  dtw_p50_ms: number;
  dtw_p95_ms: number;
  euclidean_recall_at_20: number;
  dtw_recall_at_20: number;
}

export async function benchMetrics(config: KaleConfig, n: number, queries: number, esUrl: string | null, onProgress: (label: string) => void): Promise<Record<string, BackendFigures | number>> {
  const store = EmbeddedStore.open();
  const batches = generateMetrics(n);
  for (let i = 0; i < batches.length; i += 10_000) await store.append(batches.slice(i, i + 10_000));
  const cfg: KaleConfig = { ...config, oculus: { ...config.oculus, windows: ['1h'] } };
  const shapes = batches.map((b) => shapeFromSeries(b.name, { timestamps: Float64Array.from(b.points, (p) => p[0]), values: Float64Array.from(b.points, (p) => p[1]) }, '1h', cfg.oculus.paaDims)!);
  const shaped = shapes.filter((s) => !s.flat);
  const rand = seededRandom(7);
  const picks = Array.from({ length: queries }, () => shaped[Math.floor(rand() * shaped.length)]);
  onProgress('brute force');
  const truth = { euclidean: picks.map((q) => bruteForce(shapes, q, 'euclidean')), dtw: picks.map((q) => bruteForce(shapes, q, 'dtw')) };

  const run = async (index: ShapeIndex): Promise<BackendFigures> => {
    onProgress(`${index.kind}: import`);
    const result = await importShapes(cfg, store, index);
    const figures: Record<string, number> = { index_s: result.ms / 1000 };
    for (const scorer of ['euclidean', 'dtw'] as const) {
      onProgress(`${index.kind}: ${scorer} searches`);
      const times: number[] = [];
      let recall = 0;
      for (const [i, q] of picks.entries()) {
        const query: ShapeQuery = { shape: q, k: K, scoring: { scorer, band: 10, radius: 10 }, exclude: { names: [q.name], segments: [] } };
        const started = performance.now();
        const res = await index.search('1h', query);
        times.push(performance.now() - started);
        recall += res.hits.filter((h) => truth[scorer][i].has(h.shape.name)).length / K;
      }
      figures[`${scorer}_p50_ms`] = percentile(times, 50);
      figures[`${scorer}_p95_ms`] = percentile(times, 95);
      figures[`${scorer}_recall_at_20`] = recall / picks.length;
    }
    await index.close();
    return figures as unknown as BackendFigures;
  };

  const out: Record<string, BackendFigures | number> = { metrics: n, queries };
  out.embedded = await run(new EmbeddedShapeIndex(null, cfg.oculus.paaDims));
  if (esUrl) {
    out.elasticsearch = await run(new ElasticShapeIndex({
      url: esUrl, prefix: `kale-bench-${Date.now()}`, paaDims: cfg.oculus.paaDims,
      candidates: cfg.oculus.candidates, dtwCandidates: cfg.oculus.dtwCandidates, vectorIndex: cfg.oculus.vectorIndex,
    }));
  }
  await store.close();
  return out;
}
