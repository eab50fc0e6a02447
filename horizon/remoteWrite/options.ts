/** What the remote_write listener reads from the configuration, rebuilt when a SIGHUP changes it. */
import type { KaleConfig } from '../../core/config/schema.js';
import type { DeliverOptions } from './deliver.js';
import type { Pressure } from '../listeners/remoteWrite.js';
import { CounterRates } from './counterRate.js';

type RemoteWriteConfig = KaleConfig['horizon']['remoteWrite'];

/** The naming rule and counter state for the current config; the counters' previous samples survive a reload. */
export function remoteWriteOptions(config: () => RemoteWriteConfig): () => DeliverOptions {
  const rates = new CounterRates();
  let built: { template: string | undefined; counters: string; opts: DeliverOptions } | undefined;
  return () => {
    const { template, counters } = config();
    if (built === undefined || built.template !== template || built.counters !== counters) {
      built = {
        template,
        counters,
        opts: { template, rates: counters === 'rate' ? rates : undefined },
      };
    }
    return built.opts;
  };
}

export interface Backlog {
  /** Points waiting for the Store. */
  depth(): number;
  storeTakingWrites(): boolean;
  /** Above this many waiting points, senders are slowed down (TCP reads pause; remote_write is refused for now). */
  limit(): number;
}

/** Seconds Prometheus is asked to wait: the writer drains a backlog in well under one; a Store outage lasts longer. */
const RETRY_BEHIND_S = 1,
  RETRY_STORE_DOWN_S = 5;

/**
 * Refuse remote_write bodies while the writer is behind, so Prometheus keeps them in its WAL and
 * retries, rather than accepting them into a buffer that would drop the oldest.
 */
export function writerPressure(b: Backlog): Pressure {
  return () => {
    const depth = b.depth();
    if (depth <= b.limit()) return null;
    return b.storeTakingWrites()
      ? { reason: `horizon's writer is behind (${depth} points queued): retry`, retryAfter: RETRY_BEHIND_S }
      : {
          reason: `the Store is not taking writes (${depth} points buffered): retry`,
          retryAfter: RETRY_STORE_DOWN_S,
        };
  };
}
