import type { KaleConfig } from '../../../core/config/schema.js';
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
 * The shape index: embedded (in this process, nothing to reach) or Elasticsearch, timed by a GET of
 * its root with a 2 s limit. Credentials in the URL go in a header (fetch refuses them in the URL).
 */
export async function shapeIndexBackend(cfg: KaleConfig): Promise<Backend> {
  if (!cfg.elasticsearch.url) return { name: 'shape index', kind: 'embedded', ok: true, latencyMs: null };
  const url = new URL(cfg.elasticsearch.url);
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
    return res.ok
      ? { name: 'shape index', kind: 'elasticsearch', ok: true, latencyMs }
      : { name: 'shape index', kind: 'elasticsearch', ok: false, latencyMs, error: `HTTP ${res.status}` };
  } catch (err) {
    return {
      name: 'shape index',
      kind: 'elasticsearch',
      ok: false,
      latencyMs: null,
      error: (err as Error).name === 'TimeoutError' ? 'no answer within 2 s' : (err as Error).message,
    };
  }
}
