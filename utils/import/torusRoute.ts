import type { KaleConfig } from '../../core/config/schema.js';
import type { TorusWrite } from '../../core/store/store.js';
import { compileAggregates, expandAggregates } from '../../core/torus/aggregates.js';
import { compileSchemas, planTorusWrites } from '../../core/torus/schemas.js';
import type { TorusRouter } from './backfill.js';

/**
 * The torus routing horizon applies to live points, for backfilled ones: every schema the name
 * matches, and every aggregate rollup it generates, routed in turn. `unavailable` says why there is
 * none. Points older than an interval's retention are dropped for that interval, as horizon drops them.
 */
export async function torusRouter(config: KaleConfig): Promise<{ route?: TorusRouter; unavailable: string }> {
  if (config.horizon.schemas.length === 0) return { unavailable: 'no torus schemas configured' };
  const schemas = compileSchemas(config.horizon.schemas);
  const rules = compileAggregates(config.horizon.aggregates);
  const now = Date.now() / 1000;
  const route: TorusRouter = (name, ts, value) => {
    const writes: TorusWrite[] = [...planTorusWrites(schemas, name, ts, value, now).writes];
    for (const rollup of expandAggregates(rules, name)) writes.push(...planTorusWrites(schemas, rollup.name, ts, value, now).writes);
    return writes;
  };
  return { route, unavailable: '' };
}
