import type { KaleConfig } from './config/schema.js';
import type { Logger } from './log.js';
import type { Store } from './store/store.js';

/** What every service receives from `kale start` or its own command. */
export interface ServiceContext {
  readonly config: KaleConfig;
  readonly store: Store;
  readonly log: Logger;
}

/**
 * A started service. `endpoints` feed the `kale ready {...}` line (e.g. `{ pickle: 2024 }` or
 * `{ webapp: 'http://127.0.0.1:1500' }`); `reload` receives a new config on SIGHUP.
 */
export interface RunningService {
  readonly name: string;
  readonly endpoints: Readonly<Record<string, number | string>>;
  reload?(config: KaleConfig): void | Promise<void>;
  /** Starts its periodic work now rather than at its next interval (after a demo seed: show it at once). */
  runNow?(): void;
  /** Stops accepting work, flushes what is buffered, and releases ports. */
  stop(): Promise<void>;
}

export type StartService = (ctx: ServiceContext) => Promise<RunningService>;
