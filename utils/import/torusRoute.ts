import type { KaleConfig } from '../../core/config/schema.js';
import type { TorusRouter } from './backfill.js';

/**
 * The torus routing horizon applies to live points, for backfilled ones. `unavailable` says why there
 * is none (no schemas configured, or no routing function to call yet).
 */
export async function torusRouter(config: KaleConfig): Promise<{ route?: TorusRouter; unavailable: string }> {
  if (config.horizon.schemas.length === 0) return { unavailable: 'no torus schemas configured' };
  return { unavailable: 'horizon exposes no torus routing function yet' };
}
