import crypto from 'node:crypto';
import { Router } from 'express';
import type { Collection, CollectionStore, Point, WindowStore } from '../../../core/store/store.js';
import type { WebappDeps } from '../deps.js';
import { HttpError, badRequest } from '../httpError.js';

const MAX_POINTS = 100_000;

function text(body: Record<string, unknown>, name: string, min: number, max: number): string {
  const v = body[name] ?? '';
  if (typeof v !== 'string' || v.trim().length < min || v.length > max) {
    throw badRequest(`${name}: expected a string of ${min}-${max} characters`);
  }
  return v.trim();
}

function pointList(v: unknown): Point[] {
  if (
    !Array.isArray(v) ||
    v.length > MAX_POINTS ||
    !v.every((p) => Array.isArray(p) && p.length === 2 && p.every(Number.isFinite))
  ) {
    throw badRequest(`points: expected up to ${MAX_POINTS} [timestamp, value] pairs of finite numbers`);
  }
  return v as Point[];
}

/**
 * `GET/POST/DELETE /api/collections`: saved metric snapshots. A POST without `points` snapshots the
 * metric's current window.
 */
export function collectionsRoutes({ store }: WebappDeps<WindowStore & CollectionStore>): Router {
  const r = Router();
  r.get('/api/collections', async (_req, res) => {
    res.json({ collections: await store.listCollections() });
  });
  r.post('/api/collections', async (req, res) => {
    const body = req.body as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object' || Array.isArray(body))
      throw badRequest('send a JSON object: {title, description?, metric, points?}');
    const title = text(body, 'title', 1, 200);
    const description = text(body, 'description', 0, 2000);
    const metric = text(body, 'metric', 1, 1000).replace(/^metrics\./, '');
    let points: Point[];
    if (body.points === undefined) {
      const [series] = await store.readWindows([metric]);
      if (!series) throw new HttpError(404, `no such metric: ${metric}`);
      points = Array.from(series.timestamps, (t, i) => [t, series.values[i]] as Point);
    } else {
      points = pointList(body.points);
    }
    const collection: Collection = {
      id: crypto.randomUUID(),
      title,
      description,
      metric,
      points,
      createdAt: Date.now() / 1000,
    };
    await store.saveCollection(collection);
    res.status(201).json(collection);
  });
  r.delete('/api/collections/:id', async (req, res) => {
    const id = String(req.params.id);
    if (!/^[\w-]{1,100}$/.test(id)) throw badRequest('id: expected a collection id');
    if (!(await store.deleteCollection(id))) throw new HttpError(404, `no such collection: ${id}`);
    res.status(204).end();
  });
  return r;
}
