/**
 * graphite-web's tag expressions (seriesByTag, /tags/findSeries, the autoComplete `expr`s) over the
 * tagged names Kale holds:
 *   tag=spec    the value is spec          tag!=spec   it is not
 *   tag=~re     the value matches re       tag!=~re    it does not
 * A series without the tag is matched as if its value were empty (`tag=` finds series lacking it),
 * at least one expression must need a non-empty value, and regular expressions are anchored at the
 * start only (Python's re.match), run in linear time (linearRegex.ts).
 */
import { RegexError, linearRegex } from './linearRegex.js';
import { isTagged, tagValue } from './tagged.js';

export class TagExprError extends Error {}

export interface TagExpr {
  readonly tag: string;
  readonly op: '=' | '!=' | '=~' | '!=~';
  readonly spec: string;
  readonly text: string;
  /** Whether a value (empty for a series without the tag) satisfies the expression. */
  test(value: string): boolean;
}

/** Distinct values whose regex answer an expression remembers: a bound on memory, not on time. */
const MAX_REMEMBERED = 10_000;

/** graphite-web's parse_tagspec. */
const TAGSPEC = /^([^;!=]+)(!?=~?)([^;]*)$/;

export function parseTagExpr(text: string): TagExpr {
  const m = TAGSPEC.exec(text);
  if (!m)
    throw new TagExprError(
      `"${text.slice(0, 100)}" is not a tag expression: expected tag=value, tag!=value, tag=~regex or tag!=~regex`,
    );
  const [, tag, op, spec] = m as unknown as [string, string, TagExpr['op'], string];
  const base = { tag, op, spec, text };
  if (op === '=') return { ...base, test: (v) => v === spec };
  if (op === '!=') return { ...base, test: (v) => v !== spec };
  let re: RegExp;
  try {
    re = linearRegex(`^(?:${spec})`);
  } catch (err) {
    if (err instanceof RegexError) throw new TagExprError(`${text.slice(0, 100)}: ${err.message}`);
    throw err;
  }
  // Most tags take few values (job, env) over many series: each distinct value is matched once.
  const seen = new Map<string, boolean>();
  const matches = (v: string) => {
    let m = seen.get(v);
    if (m === undefined) {
      m = re.test(v);
      if (seen.size < MAX_REMEMBERED) seen.set(v, m);
    }
    return m;
  };
  return { ...base, test: op === '=~' ? matches : (v) => !matches(v) };
}

export interface TagQuery {
  readonly exprs: readonly TagExpr[];
  /** Whether a tagged name matches every expression. */
  matches(name: string): boolean;
}

export function tagQuery(texts: readonly string[]): TagQuery {
  if (texts.length === 0) throw new TagExprError('at least one tag expression is required');
  const exprs = texts.map(parseTagExpr);
  if (exprs.every((e) => e.test('')))
    throw new TagExprError(
      `at least one tag expression must need a non-empty value (such as name=… or tag=~.+), got ${texts.map((t) => `"${t.slice(0, 100)}"`).join(', ')}`,
    );
  return { exprs, matches: (name) => exprs.every((e) => e.test(tagValue(name, e.tag) ?? '')) };
}

/** Names matched per turn of the event loop: a search over a million names must not hold ingest. */
const NAMES_PER_TURN = 10_000;

/**
 * The tagged names among `names` (every one without a query, else those it matches), in their order.
 * An exact `name=` expression narrows by prefix first, as Grafana's tag editor nearly always starts
 * with one.
 */
export async function findTagged(names: readonly string[], query?: TagQuery): Promise<string[]> {
  const exactName = query?.exprs.find((e) => e.tag === 'name' && e.op === '=');
  const prefix = exactName ? `${exactName.spec};` : undefined;
  const out: string[] = [];
  for (let i = 0; i < names.length; i++) {
    if (i > 0 && i % NAMES_PER_TURN === 0) await new Promise((r) => setImmediate(r));
    const name = names[i];
    if (prefix !== undefined && !name.startsWith(prefix)) continue;
    if (name.indexOf(';') > 0 && (!query || query.matches(name)) && isTagged(name)) out.push(name);
  }
  return out;
}
