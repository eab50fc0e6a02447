import type { KaleConfig } from '../../core/config/schema.js';
import type { Logger } from '../../core/log.js';
import type { Store } from '../../core/store/store.js';

/** What the routes need; the config is read through a getter so SIGHUP reloads reach them. */
export interface WebappDeps {
  readonly store: Store;
  readonly config: () => KaleConfig;
  readonly log: Logger;
}
