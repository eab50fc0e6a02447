import crypto from 'node:crypto';
import type { RequestHandler } from 'express';
import type { KaleConfig } from '../../core/config/schema.js';
import { UsageError } from '../../core/cli.js';

type WebappConfig = KaleConfig['webapp'];

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/i;
export const isLoopback = (host: string) => LOOPBACK.test(host);

/** The cookie a browser gets after opening the UI once with `?token=…`, so page loads need no header. */
export const TOKEN_COOKIE = 'kale_token';

/** Shortest token accepted off loopback: anything shorter is guessable over the network. */
export const MIN_TOKEN_LENGTH = 16;

/**
 * Refuses to serve off loopback without credentials (the API exposes every metric name), or with a
 * token short enough to guess or with whitespace in it (headers and cookies trim it away).
 */
export function assertAuthConfigured(cfg: WebappConfig): void {
  if (isLoopback(cfg.host)) return;
  if (!cfg.token && !cfg.basicAuth) {
    throw new UsageError(
      `webapp.host ${cfg.host} is not loopback: set webapp.token or webapp.basicAuth in the config, or bind 127.0.0.1`,
    );
  }
  if (cfg.token !== undefined && (cfg.token.length < MIN_TOKEN_LENGTH || /\s/.test(cfg.token))) {
    throw new UsageError(
      `webapp.token (or KALE_WEBAPP_TOKEN): off loopback (webapp.host ${cfg.host}) it must be at least ${MIN_TOKEN_LENGTH} characters with no whitespace, e.g. the output of: openssl rand -hex 24`,
    );
  }
}

/** Compares secrets in constant time (hashing first so lengths do not leak either). */
function same(a: string, b: string): boolean {
  const h = (s: string) => crypto.createHash('sha256').update(s).digest();
  return crypto.timingSafeEqual(h(a), h(b));
}

function cookie(header: string | undefined, name: string): string | undefined {
  for (const part of header?.split(';') ?? []) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return percentDecoded(part.slice(i + 1).trim());
  }
  return undefined;
}

/** A cookie value that is not valid percent-encoding (`kale_token=%`) is no token at all. */
function percentDecoded(v: string): string | undefined {
  try {
    return decodeURIComponent(v);
  } catch {
    return undefined;
  }
}

/**
 * With a token or basic auth configured, every route needs it: `Authorization: Bearer <token>`, the
 * `kale_token` cookie, `?token=` (which also sets the cookie), or `Authorization: Basic …`. The
 * credentials are read per request, so a SIGHUP reload changes them without a restart.
 */
export function requireAuth(webapp: () => WebappConfig): RequestHandler {
  return (req, res, next) => {
    const { token, basicAuth } = webapp();
    if (!token && !basicAuth) return next();
    const header = req.get('authorization') ?? '';
    if (token) {
      const bearer = /^Bearer\s+(.+)$/i.exec(header)?.[1];
      const fromQuery = typeof req.query.token === 'string' ? req.query.token : undefined;
      const given = bearer ?? fromQuery ?? cookie(req.get('cookie'), TOKEN_COOKIE);
      if (given !== undefined && same(given, token)) {
        if (fromQuery !== undefined) {
          res.cookie(TOKEN_COOKIE, fromQuery, {
            httpOnly: true,
            sameSite: 'strict',
            path: '/',
            secure: req.secure,
          });
        }
        return next();
      }
    }
    if (basicAuth) {
      const basic = /^Basic\s+(.+)$/i.exec(header)?.[1];
      if (basic) {
        const decoded = Buffer.from(basic, 'base64').toString('utf8');
        const i = decoded.indexOf(':');
        if (i >= 0 && same(decoded.slice(0, i), basicAuth.user) && same(decoded.slice(i + 1), basicAuth.pass))
          return next();
      }
      res.set('WWW-Authenticate', 'Basic realm="kale", charset="UTF-8"');
    }
    res.status(401).json({
      error: token
        ? 'authentication required: send Authorization: Bearer <token> or open the UI with ?token=<token>'
        : 'authentication required',
    });
  };
}
