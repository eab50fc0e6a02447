import { errors } from '@elastic/elasticsearch';

/**
 * Failures a cluster losing a node produces, which a later attempt on another node or copy can get
 * past: the connection itself, a node not answering, the server saying "not now" (429, 502-504, which
 * is how a shard without a live copy yet answers), and bulk items rejected for the same reasons.
 */
export function isTransient(err: unknown): boolean {
  if (
    err instanceof TransientError ||
    err instanceof errors.ConnectionError ||
    err instanceof errors.TimeoutError ||
    err instanceof errors.NoLivingConnectionsError
  )
    return true;
  return err instanceof errors.ResponseError && TRANSIENT_STATUS.has(err.statusCode ?? 0);
}

const TRANSIENT_STATUS = new Set([429, 502, 503, 504]);

/**
 * A transient failure this code detects itself: bulk documents refused for one of the reasons below,
 * an index or a copy answering fewer documents than it holds, a scroll whose copy went away.
 */
export class TransientError extends Error {}

/** Bulk item errors that say a copy was missing or busy, not that the document is wrong. */
export const TRANSIENT_ITEM_ERRORS = new Set([
  'unavailable_shards_exception',
  'es_rejected_execution_exception',
  'node_not_connected_exception',
  'node_disconnected_exception',
  'no_shard_available_action_exception',
  'shard_not_found_exception',
  'circuit_breaking_exception',
]);

/**
 * Runs `attempt` up to `attempts` times while it fails with what `retryable` accepts, waiting 250 ms,
 * 500 ms, 1 s … between tries (a node's departure takes the master a moment on loopback, longer on a
 * network); `onRetry` counts them.
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  opts: {
    attempts: number;
    retryable: (err: unknown) => boolean;
    onRetry: () => void;
    /** Runs before each retry; throws when retrying cannot help (e.g. the index lost its last copy). */
    beforeRetry?: () => Promise<void>;
  },
): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (i + 1 >= opts.attempts || !opts.retryable(err)) throw err;
      await opts.beforeRetry?.();
      opts.onRetry();
      await new Promise((r) => setTimeout(r, 250 * 2 ** i));
    }
  }
}
