import type { KaleConfig } from '../../core/config/schema.js';
import type { Logger } from '../../core/log.js';
import type { Store } from '../../core/store/store.js';

/**
 * What the routes need; the config is read through a getter so SIGHUP reloads reach them. Each route
 * names the Store roles it calls (`WebappDeps<WindowStore>`); the app as a whole gets every role.
 */
export interface WebappDeps<S = Store> {
  readonly store: S;
  readonly config: () => KaleConfig;
  readonly log: Logger;
}
