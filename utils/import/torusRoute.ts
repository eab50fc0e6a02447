import type { KaleConfig } from '../../core/config/schema.js';
import { Router } from '../../core/torus/router.js';
import type { TorusRouter } from './backfill.js';

export interface ImportRouting {
  /** Absent when no torus schema is configured; `unavailable` then says so. */
  readonly route?: TorusRouter;
  readonly unavailable: string;
  /** Names on horizon's skip list: horizon would store nothing for them, and neither does import. */
  isSkipped(name: string): boolean;
}

/**
 * Horizon's own router, so backfilled points land exactly where live ones would: every schema the
 * name matches and every aggregate rollup it feeds. Points older than an interval's retention are
 * dropped for that interval, as horizon drops them.
 */
export function importRouting(config: KaleConfig): ImportRouting {
  const router = new Router(config.horizon);
  const isSkipped = (name: string) => router.isSkipped(name);
  if (config.horizon.schemas.length === 0) return { unavailable: 'no torus schemas configured', isSkipped };
  const now = Date.now() / 1000;
  return { route: (name, ts, value) => router.route(name, ts, value, now).torus, unavailable: '', isSkipped };
}
