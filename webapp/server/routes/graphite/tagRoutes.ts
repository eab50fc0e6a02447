import { type RequestHandler, Router } from 'express';
import type { WindowStore } from '../../../../core/store/store.js';
import type { WebappDeps } from '../../deps.js';
import { badRequest } from '../../httpError.js';
import { optionalInt, optionalString, requiredString, type Source } from '../../params.js';
import { RegexError, linearRegex } from './linearRegex.js';
import { graphiteParams, repeated, timeRange } from './request.js';
import { tagNames, tagValue } from './tagged.js';
import { TagExprError, findTagged, tagQuery, type TagQuery } from './tagQuery.js';

/** Most expressions one request may carry, and the longest: far beyond any query editor's. */
const MAX_EXPRS = 100;
const MAX_EXPR_LENGTH = 1000;
/** graphite-web's default autoComplete limit, and the most Kale answers (Grafana asks 10,000 for variables). */
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 10_000;

interface TagRequest {
  readonly src: Source;
  /** The expressions sent as `expr`, undefined when none were. */
  readonly query: TagQuery | undefined;
  /** The tagged series the expressions match (every one without). */
  tagged(): Promise<string[]>;
}

/** Reads its parameters before any name is listed, so a bad one is a 400 before the work. */
type Handler = (req: TagRequest) => Promise<unknown>;

/**
 * graphite-web 1.1's tag database API over the tagged names Kale holds (tagged.ts): Grafana's tag
 * editor calls /tags/autoComplete/tags and /values with the other expressions of the query as `expr`;
 * its `tags()` / `tag_values()` variables call the same with limit=10000. GET and form POST alike.
 */
export function tagRoutes({ store }: WebappDeps<WindowStore>, form: RequestHandler): Router {
  const r = Router();
  const route =
    (handle: Handler): RequestHandler =>
    async (req, res) => {
      const src = graphiteParams(req);
      // Checked as everywhere, and otherwise ignored: every listed metric has its window.
      if (src.from !== undefined || src.until !== undefined) timeRange(src, Date.now() / 1000);
      const query = expressions(src);
      res.json(
        await handle({ src, query, tagged: async () => findTagged(await store.listMetrics(), query) }),
      );
    };
  for (const [path, handler] of [
    ['/tags/findSeries', route(findSeries)],
    ['/tags/autoComplete/tags', route(autoCompleteTags)],
    ['/tags/autoComplete/values', route(autoCompleteValues)],
    ['/tags', route(listTags)],
    ['/tags/:tag', (req, res, next) => route(tagDetails(String(req.params.tag)))(req, res, next)],
  ] as Array<[string, RequestHandler]>) {
    r.get(path, handler);
    r.post(path, form, handler);
  }
  return r;
}

/** `expr` (or `expr[]`, as jQuery sends it) as a query; undefined when none were sent. */
function expressions(src: Source) {
  const texts = [
    ...repeated(src, 'expr', MAX_EXPRS, MAX_EXPR_LENGTH),
    ...repeated(src, 'expr[]', MAX_EXPRS, MAX_EXPR_LENGTH),
  ];
  if (texts.length === 0) return undefined;
  try {
    return tagQuery(texts);
  } catch (err) {
    if (err instanceof TagExprError) throw badRequest(`expr: ${err.message}`);
    throw err;
  }
}

const limit = (src: Source) => optionalInt(src, 'limit', 1, MAX_LIMIT) ?? DEFAULT_LIMIT;

/** A `filter` regex anchored at the start (graphite-web's list_tags and get_tag), or undefined. */
function filter(src: Source): RegExp | undefined {
  const f = optionalString(src, 'filter', MAX_EXPR_LENGTH);
  if (f === undefined) return undefined;
  try {
    return linearRegex(`^(?:${f})`);
  } catch (err) {
    if (err instanceof RegexError) throw badRequest(`filter: ${err.message}`);
    throw err;
  }
}

const sorted = (values: Iterable<string>) => [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** `/tags/findSeries?expr=…`: the matching names, sorted. */
const findSeries: Handler = async ({ query, tagged }) => {
  if (!query) throw badRequest('expr is required');
  return sorted(await tagged());
};

/** `/tags/autoComplete/tags?tagPrefix=&expr=&limit=`: tags of the matching series, minus those the expressions name. */
const autoCompleteTags: Handler = async ({ src, query, tagged }) => {
  const prefix = optionalString(src, 'tagPrefix', MAX_EXPR_LENGTH) ?? '';
  const most = limit(src);
  const searched = new Set(query?.exprs.map((e) => e.tag));
  const tags = new Set<string>();
  for (const name of await tagged())
    for (const t of tagNames(name)) if (t.startsWith(prefix) && !searched.has(t)) tags.add(t);
  return sorted(tags).slice(0, most);
};

/** `/tags/autoComplete/values?tag=&valuePrefix=&expr=&limit=`: the tag's values among the matching series. */
const autoCompleteValues: Handler = async ({ src, tagged }) => {
  const tag = requiredString(src, 'tag', MAX_EXPR_LENGTH);
  const prefix = optionalString(src, 'valuePrefix', MAX_EXPR_LENGTH) ?? '';
  const most = limit(src);
  const values = new Set<string>();
  for (const name of await tagged()) {
    const v = tagValue(name, tag);
    if (v?.startsWith(prefix)) values.add(v);
  }
  return sorted(values).slice(0, most);
};

/** `/tags?filter=`: `[{"tag"}]`, sorted. */
const listTags: Handler = async ({ src, tagged }) => {
  const re = filter(src);
  const tags = new Set<string>();
  for (const name of await tagged()) for (const t of tagNames(name)) if (!re || re.test(t)) tags.add(t);
  return sorted(tags).map((tag) => ({ tag }));
};

/** `/tags/<tag>?filter=`: `{"tag", "values": [{"value", "count"}]}`, or null for a tag no series has. */
const tagDetails =
  (tag: string): Handler =>
  async ({ src, tagged }) => {
    const re = filter(src);
    const counts = new Map<string, number>();
    for (const name of await tagged()) {
      const v = tagValue(name, tag);
      if (v !== undefined && (!re || re.test(v))) counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    if (counts.size === 0 && !re) return null;
    return { tag, values: sorted(counts.keys()).map((value) => ({ count: counts.get(value), value })) };
  };
