import type { KaleConfig } from '../../../core/config/schema.js';
import { elasticsearchNodes } from '../../../core/config/elasticsearchNodes.js';
import type { StoreConnection } from '../../../core/store/store.js';

export interface Backend {
  name: string;
  kind: string;
  ok: boolean;
  latencyMs: number | null;
  error?: string;
}

const round = (ms: number) => Math.round(ms * 100) / 100;

/** The store, timed by its ping. */
export async function storeBackend(store: StoreConnection): Promise<Backend> {
  const t0 = performance.now();
  const ok = await store.ping().catch(() => false);
  return {
    name: 'store',
    kind: store.kind,
    ok,
    latencyMs: ok ? round(performance.now() - t0) : null,
    ...(ok ? {} : { error: 'does not answer ping' }),
  };
}

/**
 * The shape index: embedded (in this process, nothing to reach) or Elasticsearch, every node named
 * in `elasticsearch.url` timed by a GET of its root with a 2 s limit. It is ok when every node answers:
 * a cluster that lost a node still searches, but the operator should see which one is gone.
 */
export async function shapeIndexBackend(cfg: KaleConfig): Promise<Backend> {
  if (!cfg.elasticsearch.url) return { name: 'shape index', kind: 'embedded', ok: true, latencyMs: null };
  const nodes = elasticsearchNodes(cfg.elasticsearch.url);
  const probes = await Promise.all(nodes.map(probeNode));
  const failed = probes.flatMap((p, i) =>
    p.error === undefined ? [] : [`${new URL(nodes[i]).origin}: ${p.error}`],
  );
  const answered = probes.flatMap((p) => (p.latencyMs === null ? [] : [p.latencyMs]));
  return {
    name: 'shape index',
    kind: 'elasticsearch',
    ok: failed.length === 0,
    latencyMs: answered.length === 0 ? null : Math.max(...answered),
    ...(failed.length === 0 ? {} : { error: nodes.length === 1 ? probes[0].error : failed.join('; ') }),
  };
}

interface Probe {
  latencyMs: number | null;
  error?: string;
}

/** One node's root; credentials in the URL go in a header (fetch refuses them in the URL). */
async function probeNode(spec: string): Promise<Probe> {
  const url = new URL(spec);
  const headers: Record<string, string> = {};
  if (url.username)
    headers.authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
  url.username = '';
  url.password = '';
  const t0 = performance.now();
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    const latencyMs = round(performance.now() - t0);
    return res.ok ? { latencyMs } : { latencyMs, error: `HTTP ${res.status}` };
  } catch (err) {
    return {
      latencyMs: null,
      error: (err as Error).name === 'TimeoutError' ? 'no answer within 2 s' : (err as Error).message,
    };
  }
}
