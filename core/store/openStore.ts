import type { KaleConfig } from '../config/schema.js';
import { EmbeddedStore } from './embeddedStore.js';
import { RedisStore } from './redisStore.js';
import type { Store } from './store.js';

/** Redis when the config names a server, otherwise the embedded store under `dataDir`. */
export function openStore(config: KaleConfig): Store {
  return config.redis.url
    ? RedisStore.connect(config.redis.url)
    : EmbeddedStore.open(config.dataDir, config.embedded);
}
