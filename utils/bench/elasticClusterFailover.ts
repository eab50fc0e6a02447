/**
 * The Elasticsearch failover scenarios, shared by the cluster test (test/oculus/cluster.test.ts) and
 * `kale bench elastic-cluster`: an import that loses the node holding its new primary halfway, and
 * searches that keep going meanwhile. Each reports what it saw; the caller judges.
 */
import { Client } from '@elastic/elasticsearch';
import type { ElasticShapeIndex } from '../../oculus/index/elasticIndex.js';
import type { ShapeIndex, ShapeQuery } from '../../oculus/index/shapeIndex.js';
import { ShapeChannel } from '../../oculus/shapeChunks.js';
import type { Shape } from '../../oculus/shapes/shape.js';
import type { ElasticsearchCluster } from '../elasticsearch.js';
import { median } from './stats.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const WINDOW = '1h';

/**
 * Which node holds the primary of `index`, as an index into `cluster.nodes`, once every copy of it has
 * started (null before): killing it then is losing a node in the middle of a healthy import.
 */
export async function primaryNode(
  admin: Client,
  cluster: ElasticsearchCluster,
  index: string,
): Promise<number | null> {
  const shards = await admin.cat.shards({ index, format: 'json', h: 'prirep,state,node' });
  const primary = shards.find((s) => s.prirep === 'p');
  if (!primary?.node || shards.some((s) => s.state !== 'STARTED')) return null;
  const nodes = await admin.cat.nodes({ format: 'json', h: 'name,http' });
  const http = nodes.find((n) => n.name === primary.node)?.http;
  const at = cluster.nodes.findIndex((n) => http?.endsWith(`:${n.port}`));
  return at < 0 ? null : at;
}

/** The concrete indexes behind `alias` and the documents each answers (each read once per poll). */
async function aliasState(admin: Client, alias: string): Promise<{ index: string; count: number } | null> {
  const res = await admin.indices.getAlias({ name: alias }, { ignore: [404] });
  const [index] = Object.keys(res).filter((k) => k !== 'error' && k !== 'status');
  if (!index) return null;
  return { index, count: (await admin.count({ index })).count };
}

export interface ImportKillReport {
  /** Seconds from the kill until the new generation was published. */
  publishedAfterS: number;
  /** Generations started: 1 when the import completed in place, more when a whole generation was retried. */
  generations: number;
  /** Requests repeated in place: resent by the client to another node, bulk bodies, publishing steps. */
  retries: { resent: number; bulk: number; publish: number };
  /** Every index the alias was seen on while the import ran, with the documents it answered then. */
  aliasSeen: Array<{ index: string; count: number }>;
  killed: number;
}

/**
 * Replaces the window's shapes with `shapes` through `index`: half the chunks, then kill -9 of the node
 * holding the new index's primary, then the rest. A generation that fails is started again from its
 * shapes (what the oculus service does with a failed pass), up to 3 times. Meanwhile the alias is
 * polled every 50 ms, so the report says which indexes it pointed at and how full they were.
 */
export async function importThroughKill(
  cluster: ElasticsearchCluster,
  index: ElasticShapeIndex,
  shapes: readonly Shape[],
  onKill: () => void = () => {},
  chunk = 100,
): Promise<ImportKillReport> {
  const admin = new Client({ nodes: cluster.urls, maxRetries: cluster.urls.length });
  const alias = index.alias(WINDOW);
  const before = await aliasState(admin, alias);
  const aliasSeen: Array<{ index: string; count: number }> = [];
  let watching = true;
  const look = async () => {
    const seen = await aliasState(admin, alias).catch(() => null);
    if (seen && !aliasSeen.some((s) => s.index === seen.index && s.count === seen.count))
      aliasSeen.push(seen);
  };
  const watcher = (async () => {
    while (watching) {
      await look();
      await sleep(50);
    }
  })();
  const retriesBefore = { ...index.retries };
  let killed = -1;
  let killedAt = 0;
  let generations = 0;
  try {
    for (;;) {
      generations++;
      const channel = new ShapeChannel();
      const replacing = index.replace(WINDOW, channel);
      replacing.catch(() => channel.close());
      const half = Math.floor(shapes.length / 2);
      for (let i = 0; i < half; i += chunk) await channel.push(shapes.slice(i, Math.min(half, i + chunk)));
      if (killed < 0) {
        const fresh = async () => {
          const all = await admin.cat.indices({ index: `${alias}-*`, format: 'json', h: 'index' });
          return all.map((r) => r.index!).find((i) => i !== before?.index);
        };
        for (const giveUp = Date.now() + 60_000; ; ) {
          if (Date.now() > giveUp) throw new Error(`no primary of a new ${alias} index within 60 s`);
          const created = await fresh();
          const at = created ? await primaryNode(admin, cluster, created) : null;
          if (at !== null) {
            killed = at;
            break;
          }
          await sleep(20);
        }
        await cluster.nodes[killed].kill();
        killedAt = Date.now();
        onKill();
      }
      for (let i = half; i < shapes.length; i += chunk) await channel.push(shapes.slice(i, i + chunk));
      channel.close();
      try {
        await replacing;
        break;
      } catch (err) {
        if (generations >= 3) throw err;
      }
    }
    return {
      publishedAfterS: (Date.now() - killedAt) / 1000,
      generations,
      retries: {
        resent: index.retries.resent - retriesBefore.resent,
        bulk: index.retries.bulk - retriesBefore.bulk,
        publish: index.retries.publish - retriesBefore.publish,
      },
      aliasSeen,
      killed,
    };
  } finally {
    watching = false;
    await watcher;
    // The last poll may have run just before the publish: look once more, so the report always ends
    // with where the alias points now.
    await look();
    await admin.close();
  }
}

export interface SearchReport {
  answered: number;
  /** Of those, searches started after the kill. */
  answeredAfterKill: number;
  failed: number;
  /** Answers that differ from the exact ranking (names in order, scores to 1e-9 relative). */
  wrong: number;
  /** The longest a search started after the kill took, in ms: how long a client waited for a dead node. */
  slowestAfterKillMs: number;
  /** Median time of a search before and after the kill, in ms, for each reader. */
  medianBeforeKillMs: number[];
  medianAfterKillMs: number[];
  firstError?: string;
}

/**
 * Searches the readers round-robin until `done` settles, checking every answer against `exact` (the
 * same query's exact ranking); `killedAt` says when the node went (0 before). Searches run one at a
 * time, as a user clicking would, so the counts are of searches, not of retries.
 */
export async function searchUntil(
  readers: readonly ShapeIndex[],
  queries: readonly ShapeQuery[],
  exact: ReadonlyArray<Array<{ name: string; score: number }>>,
  done: Promise<unknown>,
  killedAt: () => number,
): Promise<SearchReport> {
  const report: SearchReport = {
    answered: 0,
    answeredAfterKill: 0,
    failed: 0,
    wrong: 0,
    slowestAfterKillMs: 0,
    medianBeforeKillMs: [],
    medianAfterKillMs: [],
  };
  const took = readers.map((): [number[], number[]] => [[], []]);
  let finished = false;
  void done
    .finally(() => {
      finished = true;
    })
    .catch(() => {});
  for (let i = 0; !finished; i++) {
    const q = i % queries.length;
    const t0 = Date.now();
    const afterKill = killedAt() > 0;
    try {
      const res = await readers[i % readers.length].search(WINDOW, queries[q]);
      report.answered++;
      if (afterKill) report.answeredAfterKill++;
      const want = exact[q];
      const same =
        res.hits.length === want.length &&
        res.hits.every(
          (h, j) =>
            h.shape.name === want[j].name &&
            Math.abs(h.score - want[j].score) <= 1e-9 * Math.max(1, Math.abs(want[j].score)),
        );
      if (!same) report.wrong++;
    } catch (err) {
      report.failed++;
      report.firstError ??= (err as Error).message;
    }
    const ms = Date.now() - t0;
    took[i % readers.length][afterKill ? 1 : 0].push(ms);
    if (afterKill) report.slowestAfterKillMs = Math.max(report.slowestAfterKillMs, ms);
  }
  report.medianBeforeKillMs = took.map((t) => median(t[0]));
  report.medianAfterKillMs = took.map((t) => median(t[1]));
  return report;
}
