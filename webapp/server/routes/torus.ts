import { Router } from 'express';
import type { KaleConfig } from '../../../core/config/schema.js';
import {
  MAX_BUCKETS,
  TORUS_STATS,
  TorusReadError,
  readTorus,
  type Datapoint,
  type TorusStat,
} from '../../../core/torus/read.js';
import {
  compileSchemas,
  schemaForRead,
  schemaMatches,
  type TorusSchema,
} from '../../../core/torus/schemas.js';
import type { RollupStore } from '../../../core/store/store.js';
import type { WebappDeps } from '../deps.js';
import { badRequest } from '../httpError.js';
import { metricName, optionalEnum, optionalInt, optionalString, optionalTime, query } from '../params.js';

const MAX_TARGETS = 20;

/** `avg(app.requests)` → stat and name; the name may itself contain parentheses. */
function parseTarget(expr: string): { stat: TorusStat; name: string } {
  const m = /^([a-z]+)\((.+)\)$/.exec(expr.trim());
  if (!m)
    throw badRequest(
      `stat: expected FUNCTION(metric.name), e.g. avg(app.requests), got "${expr.slice(0, 100)}"`,
    );
  if (!(TORUS_STATS as readonly string[]).includes(m[1]))
    throw badRequest(`stat: unknown function "${m[1]}" (use ${TORUS_STATS.join(', ')})`);
  return { stat: m[1] as TorusStat, name: m[2] };
}

function bool(src: Record<string, unknown>, name: string): boolean {
  const v = optionalEnum(src, name, ['true', 'false', '1', '0'] as const);
  return v === 'true' || v === '1';
}

/**
 * Collapses a whole range into one datapoint at the range's start. Built from the per-bucket results,
 * so `avg` is the mean of bucket means (exact when buckets hold equal counts); the others are exact.
 */
function collapse(points: Datapoint[], stat: TorusStat): Datapoint[] {
  const values = points.map((p) => p[0]).filter((v): v is number => v !== null);
  const ts = points[0]?.[1] ?? 0;
  if (values.length === 0) return [[null, ts]];
  const sum = values.reduce((a, b) => a + b, 0);
  const pick: Record<TorusStat, number> = {
    sum,
    count: sum,
    min: Math.min(...values),
    max: Math.max(...values),
    last: values[values.length - 1],
    mean: sum / values.length,
    avg: sum / values.length,
    rate: sum / values.length,
  };
  return [[pick[stat], ts]];
}

/**
 * `GET /api/torus/intervals?metric=` lists what can be read for a metric, and
 * `GET /api/torus/series?stat=avg(name)&interval=&start=&end=&steps=&condense=&collapse=&format=`:
 * rolled-up reads through core/torus/read.ts. `stat` may repeat (one target each).
 * `graphite` (default) answers `[{target, datapoints: [[value, ts], …]}]`; `json` answers
 * `{results: [{target, schema, interval, step, points: [[ts, value], …]}]}`.
 */
export function torusRoutes({ store, config }: WebappDeps<RollupStore>): Router {
  let compiledFrom: KaleConfig['horizon']['schemas'] | undefined;
  let compiled: TorusSchema[] = [];
  const schemas = () => {
    const current = config().horizon.schemas;
    if (current !== compiledFrom) {
      compiled = compileSchemas(current);
      compiledFrom = current;
    }
    return compiled;
  };
  const r = Router();
  // The intervals a read of this metric can ask for, each with the schema that would answer it.
  r.get('/api/torus/intervals', (req, res) => {
    const metric = metricName(query(req));
    const all = schemas();
    const names = [
      ...new Set(all.filter((s) => schemaMatches(s, metric)).flatMap((s) => [...s.intervals.keys()])),
    ];
    res.json({
      metric,
      intervals: names.map((interval) => {
        const s = schemaForRead(all, metric, interval)!;
        const iv = s.intervals.get(interval)!;
        return { interval, schema: s.name, type: s.type, step: iv.step.seconds, steps: iv.steps ?? null };
      }),
    });
  });
  r.get('/api/torus/series', async (req, res) => {
    const q = query(req);
    const rawStats = Array.isArray(q.stat) ? q.stat : [q.stat];
    if (rawStats.length > MAX_TARGETS || rawStats.some((s) => typeof s !== 'string' || s.length > 1000))
      throw badRequest(`stat: give 1-${MAX_TARGETS} targets like avg(app.requests)`);
    if (rawStats[0] === undefined || rawStats[0] === '')
      throw badRequest('stat is required, e.g. stat=avg(app.requests)');
    const targets = (rawStats as string[]).map(parseTarget);
    const single = { ...q, stat: undefined };
    const interval = optionalString(single, 'interval', 50);
    if (!interval) throw badRequest('interval is required (a name from the torus schema, e.g. 1h or daily)');
    const now = Date.now() / 1000;
    const start = optionalTime(single, 'start', now);
    const end = optionalTime(single, 'end', now);
    if (start !== undefined && end !== undefined && start > end) throw badRequest('start is after end');
    const steps = optionalInt(single, 'steps', 1, MAX_BUCKETS);
    const condense = bool(single, 'condense');
    const collapsed = bool(single, 'collapse');
    const format = optionalEnum(single, 'format', ['graphite', 'json'] as const) ?? 'graphite';
    const results = [];
    for (const t of targets) {
      try {
        const out = await readTorus(store, schemas(), {
          stat: t.stat,
          name: t.name,
          interval,
          start,
          end,
          steps,
          condense,
          now,
        });
        results.push({
          target: `${t.stat}(${t.name})`,
          ...out,
          datapoints: collapsed ? collapse(out.datapoints, t.stat) : out.datapoints,
        });
      } catch (err) {
        if (err instanceof TorusReadError) throw badRequest(err.message);
        throw err;
      }
    }
    if (format === 'graphite')
      return void res.json(results.map((x) => ({ target: x.target, datapoints: x.datapoints })));
    res.json({
      results: results.map((x) => ({
        target: x.target,
        schema: x.schema,
        interval: x.interval,
        step: x.step,
        points: x.datapoints.map(([v, ts]) => [ts, v]),
      })),
    });
  });
  return r;
}
