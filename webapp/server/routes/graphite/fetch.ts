/**
 * A path glob to Graphite series: the raw window (Skyline's, `fullDuration` long) when it covers the
 * range, else the finest torus rollup whose retention does, read as its mean.
 */
import { filterYielding } from '../../../../core/glob.js';
import { MAX_BUCKETS, TorusReadError, readTorus } from '../../../../core/torus/read.js';
import { schemaMatches } from '../../../../core/torus/schemas.js';
import { badRequest } from '../../httpError.js';
import type { RenderContext } from './context.js';
import { pathMatcher } from './pathGlob.js';
import { averageSlots, type GSeries } from './series.js';
import { seriesTags } from './tagged.js';
import type { Grid } from './windowGrids.js';

/** Most metrics one path may match. */
export const MAX_SERIES_PER_PATH = 10_000;

/** Most points per series: a finer raw window is read at a coarser step (averaged), not refused. */
const MAX_SERIES_POINTS = 20_000;

export async function fetchPath(ctx: RenderContext, pattern: string): Promise<GSeries[]> {
  return fetchNames(ctx, (await filterYielding(await ctx.names(), pathMatcher(pattern))).sort(), pattern);
}

/** The series of `names` (sorted), each carrying `pathExpression`: the glob or seriesByTag(…) that named them. */
export async function fetchNames(
  ctx: RenderContext,
  names: readonly string[],
  pathExpression: string,
): Promise<GSeries[]> {
  if (names.length > MAX_SERIES_PER_PATH)
    throw badRequest(
      `"${pathExpression.slice(0, 100)}" matches ${names.length} metrics; at most ${MAX_SERIES_PER_PATH} per path: narrow it`,
    );
  const rollups = names.map((n) => rollupFor(ctx, n));
  const rawNames = names.filter((_, i) => rollups[i] === undefined);
  const windows = new Map<string, Uint8Array | null>();
  if (rawNames.length)
    (await ctx.deps.store.readRawWindows(rawNames)).forEach((w, i) => windows.set(rawNames[i], w));
  // Rollup reads all in flight at once: the store pipelines them.
  const read = await Promise.all(
    names.map((name, i) =>
      rollups[i] ? rollupSeries(ctx, name, rollups[i]) : rawSeries(ctx, name, windows.get(name)),
    ),
  );
  return read.filter((s) => s !== undefined).map((s) => ({ ...s, pathExpression }));
}

/** Slots of `step` covering (from, until], aligned as Graphite aligns them (the slot after from's first). */
function grid(ctx: RenderContext, step: number): Grid {
  const start = Math.floor(ctx.from / step) * step + step;
  const end = Math.floor(ctx.until / step) * step + step;
  const length = Math.max(0, Math.round((end - start) / step));
  ctx.spend(length);
  return { start, step, length };
}

const series = (name: string, start: number, step: number, values: Float64Array): GSeries => ({
  name,
  pathExpression: name,
  tags: seriesTags(name),
  start,
  step,
  values,
  metrics: [name],
  consolidate: 'average',
});

function rawSeries(
  ctx: RenderContext,
  name: string,
  raw: Uint8Array | null | undefined,
): GSeries | undefined {
  const range = Math.ceil((ctx.until - ctx.from) / MAX_SERIES_POINTS);
  const got = raw && ctx.grids.slots(name, raw, (native) => grid(ctx, Math.max(native, range)));
  return got ? series(name, got.grid.start, got.grid.step, got.values) : undefined;
}

interface Rollup {
  readonly interval: string;
  readonly step: number;
}

/**
 * The rollup to read when the raw window does not reach back to `from`: among fixed-step intervals of
 * the schemas storing the name, the finest whose retention covers the range, else the one reaching
 * furthest back. Undefined means the raw window (also when no schema stores the name).
 */
function rollupFor(ctx: RenderContext, name: string): Rollup | undefined {
  if (ctx.from >= ctx.now - ctx.deps.config().fullDuration) return undefined;
  let best: (Rollup & { reach: number }) | undefined;
  const span = ctx.until - ctx.from;
  for (const s of ctx.schemas) {
    if (!schemaMatches(s, name)) continue;
    for (const [interval, iv] of s.intervals) {
      if (iv.step.calendar || span / iv.step.seconds > MAX_BUCKETS) continue;
      const step = iv.resolution ?? iv.step.seconds;
      if (span / step > MAX_SERIES_POINTS) continue;
      const reach = iv.steps === undefined ? Infinity : iv.steps * iv.step.seconds;
      const covers = ctx.now - reach <= ctx.from;
      const bestCovers = best !== undefined && ctx.now - best.reach <= ctx.from;
      const better = !best || (covers ? !bestCovers || step < best.step : !bestCovers && reach > best.reach);
      if (better) best = { interval, step, reach };
    }
  }
  return best && { interval: best.interval, step: best.step };
}

async function rollupSeries(ctx: RenderContext, name: string, r: Rollup): Promise<GSeries> {
  let points;
  try {
    ({ datapoints: points } = await readTorus(ctx.deps.store, ctx.schemas, {
      stat: 'mean',
      name,
      interval: r.interval,
      start: ctx.from,
      end: ctx.until,
      now: ctx.now,
    }));
  } catch (err) {
    if (err instanceof TorusReadError) throw badRequest(`${name}: ${err.message}`);
    throw err;
  }
  const { start, length } = grid(ctx, r.step);
  return series(
    name,
    start,
    r.step,
    averageSlots(
      points.map((p) => p[1]),
      points.map((p) => p[0]),
      start,
      r.step,
      length,
    ),
  );
}
