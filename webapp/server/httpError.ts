import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../../core/log.js';

/** An error whose message is safe to show the client, with the HTTP status it maps to. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new HttpError(400, message);

/** Unknown API paths answer JSON, not Express's HTML page. */
export const apiNotFound: RequestHandler = (req, _res, next) =>
  next(new HttpError(404, `no such API route: ${req.method} ${req.baseUrl}${req.path}`));

/**
 * The last middleware: clients see `{ "error": "..." }` with a clear message for their mistakes and a
 * generic one for ours; stack traces only go to the log.
 */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const e = err as Error & { status?: number; type?: string };
    if (e instanceof HttpError) {
      res.status(e.status).json({ error: e.message });
    } else if (e.type === 'entity.parse.failed') {
      res.status(400).json({ error: 'request body is not valid JSON' });
    } else if (e.type === 'entity.too.large') {
      res.status(413).json({ error: 'request body is too large' });
    } else if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      res.status(e.status).json({ error: 'bad request' });
    } else {
      log.error(`${req.method} ${req.path} failed: ${e?.stack ?? String(e)}`);
      res.status(500).json({ error: 'internal error (see the webapp log)' });
    }
  };
}
