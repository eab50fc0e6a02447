import type { RequestHandler } from 'express';
import type { WebappDeps } from '../../deps.js';
import { badRequest } from '../../httpError.js';
import { optionalString } from '../../params.js';
import { compileTarget } from './compile.js';
import { renderContext, type GraphiteStore } from './context.js';
import {
  MAX_TARGETS,
  MAX_TARGET_LENGTH,
  graphiteParams,
  optionalMaxDataPoints,
  repeated,
  timeRange,
} from './request.js';
import { consolidateTo } from './series.js';
import { SeriesJsonWriter } from './seriesJsonWriter.js';
import { WindowGrids } from './windowGrids.js';

/**
 * `GET|POST /render?target=…&from=&until=&maxDataPoints=&format=json`: graphite-web 1.1's JSON,
 * `[{"target", "tags", "datapoints": [[value|null, ts], …]}]`, one entry per series of every target.
 */
export function renderRoute(deps: WebappDeps<GraphiteStore>): RequestHandler {
  const writer = new SeriesJsonWriter();
  const grids = new WindowGrids();
  return async (req, res) => {
    const src = graphiteParams(req);
    const format = optionalString(src, 'format', 20) ?? 'json';
    if (format !== 'json') throw badRequest(`format: Kale renders json only, got "${format}"`);
    const targets = repeated(src, 'target', MAX_TARGETS, MAX_TARGET_LENGTH);
    const now = Date.now() / 1000;
    const { from, until } = timeRange(src, now);
    const maxDataPoints = optionalMaxDataPoints(src);
    // Every target is checked before any is read.
    const readers = targets.map(compileTarget);
    const ctx = renderContext(deps, from, until, now, grids);
    const series = (await Promise.all(readers.map((read) => read(ctx)))).flat();
    const out = maxDataPoints === undefined ? series : series.map((s) => consolidateTo(s, maxDataPoints));
    const body = writer.body(out);
    res.type('json').setHeader(
      'Content-Length',
      body.reduce((n, part) => n + part.length, 0),
    );
    res.cork();
    for (const part of body) res.write(part);
    res.end();
  };
}
