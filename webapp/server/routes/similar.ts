import { Router } from 'express';
import {
  ShapeIndexUnavailableError,
  ShapeQueryError,
  UnknownMetricError,
  type Oculus,
  type SearchOptions,
} from '../../../oculus/api.js';
import { HttpError, badRequest } from '../httpError.js';
import { metricName, query, stringList } from '../params.js';

const MAX_VALUES = 100_000;
const OPTION_KEYS = ['scorer', 'k', 'window', 'band', 'radius', 'over'] as const;

/** Oculus's errors as HTTP answers: its messages name the bad option and are safe to show. */
async function answer<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof UnknownMetricError) throw new HttpError(404, `no such metric: ${err.metric}`);
    if (err instanceof ShapeQueryError) throw badRequest(err.message);
    if (err instanceof ShapeIndexUnavailableError)
      throw new HttpError(503, `the shape index is unavailable: ${err.message}`);
    throw err;
  }
}

function optionsFrom(src: Record<string, unknown>): SearchOptions {
  const opts: Record<string, string> = {};
  for (const key of OPTION_KEYS) {
    const v = src[key];
    if (v === undefined || v === '') continue;
    if (typeof v !== 'string' && typeof v !== 'number')
      throw badRequest(`${key}: expected a string or a number`);
    if (String(v).length > 50) throw badRequest(`${key}: longer than 50 characters`);
    opts[key] = String(v);
  }
  return { ...opts, exclude: stringList(src.exclude, 'exclude') };
}

/**
 * `GET /api/similar?metric=&scorer=&k=&window=&exclude=&band=&radius=&over=` (shapes like a metric's)
 * and `POST /api/similar` with `{values: [...], ...options}` (a drawn shape). Answers oculus's
 * SimilarResponse: the query and the matches with z-normalised values to overlay.
 */
export function similarRoutes(oculus: Oculus): Router {
  const r = Router();
  r.get('/api/similar', async (req, res) => {
    const q = query(req);
    const metric = metricName(q);
    res.json(await answer(() => oculus.similar(metric, optionsFrom(q))));
  });
  r.post('/api/similar', async (req, res) => {
    const body = req.body as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object' || Array.isArray(body))
      throw badRequest('send a JSON object: {values: [numbers], scorer?, k?, window?, exclude?}');
    const values = body.values;
    if (
      !Array.isArray(values) ||
      values.length < 2 ||
      values.length > MAX_VALUES ||
      values.some((v) => v !== null && (typeof v !== 'number' || !Number.isFinite(v)))
    ) {
      throw badRequest(`values: expected 2 to ${MAX_VALUES} finite numbers (null for a gap)`);
    }
    res.json(await answer(() => oculus.byValues(values as number[], optionsFrom(body))));
  });
  return r;
}
