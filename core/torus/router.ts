/**
 * Decides what one valid point becomes: nothing (skip list), a raw-window append, and the
 * torus bucket writes of every schema its name matches, plus those of every aggregate rollup it feeds.
 * Rollups go to torus schemas only: a raw Skyline window holds one series, not a sum of many.
 */
import { ConfigError } from '../config/load.js';
import { regExpFinds } from '../regExp.js';
import type { KaleConfig } from '../config/schema.js';
import { compileAggregates, expandAggregates, type AggregateRule } from './aggregates.js';
import { compileSchemas, planTorusWrites, schemaMatches, toRegExp, type TorusSchema } from './schemas.js';
import type { TorusWrite } from '../store/store.js';

export interface Route {
  readonly torus: TorusWrite[];
  readonly expired: number;
}

const NO_TORUS: Route = { torus: [], expired: 0 };
/** Per-name routing decisions are cached; the cache is cleared when it reaches this size. */
const CACHE_LIMIT = 200_000;

interface NamePlan {
  readonly skip: boolean;
  /** Names whose schemas store this point: the name itself and its rollups. */
  readonly torusNames: readonly string[];
}

export class Router {
  readonly schemas: readonly TorusSchema[];
  readonly aggregates: readonly AggregateRule[];
  private readonly skip: readonly ((name: string) => boolean)[];
  private readonly plans = new Map<string, NamePlan>();

  /** Throws ConfigError (one line, exit 2) for a bad pattern, step or aggregate. */
  constructor(horizon: Pick<KaleConfig['horizon'], 'skip' | 'schemas' | 'aggregates'>) {
    const compile = <T>(key: string, f: () => T): T => {
      try {
        return f();
      } catch (err) {
        throw new ConfigError(`invalid config: horizon.${key}: ${(err as Error).message}`);
      }
    };
    this.schemas = compile('schemas', () => compileSchemas(horizon.schemas));
    this.aggregates = compile('aggregates', () => compileAggregates(horizon.aggregates));
    // Strings are substrings (Skyline's SKIP_LIST); RegExps, or strings written /like this/, are regexes.
    this.skip = compile('skip', () =>
      horizon.skip.map((p) => {
        if (typeof p === 'string' && !/^\/.*\/[a-z]*$/.test(p)) return (name: string) => name.includes(p);
        const re = toRegExp(p);
        return (name: string) => regExpFinds(re, name);
      }),
    );
  }

  isSkipped(name: string): boolean {
    return this.skip.length > 0 && this.plan(name).skip;
  }

  /** Torus writes for a point of `name` (which must not be skipped). */
  route(name: string, ts: number, value: number, now: number): Route {
    // Without schemas there is nothing to plan: the common case costs no lookup per point.
    if (this.schemas.length === 0) return NO_TORUS;
    const plan = this.plan(name);
    if (plan.torusNames.length === 0) return NO_TORUS;
    const torus: TorusWrite[] = [];
    let expired = 0;
    for (const n of plan.torusNames) {
      const p = planTorusWrites(this.schemas, n, ts, value, now);
      for (const w of p.writes) torus.push(w);
      expired += p.expired;
    }
    return { torus, expired };
  }

  private plan(name: string): NamePlan {
    let plan = this.plans.get(name);
    if (plan) return plan;
    const skip = this.skip.some((f) => f(name));
    const candidates = skip ? [] : [name, ...expandAggregates(this.aggregates, name).map((r) => r.name)];
    plan = { skip, torusNames: candidates.filter((n) => this.schemas.some((s) => schemaMatches(s, n))) };
    if (this.plans.size >= CACHE_LIMIT) this.plans.clear();
    this.plans.set(name, plan);
    return plan;
  }
}
