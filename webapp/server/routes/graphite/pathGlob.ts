/**
 * Graphite paths are dot-separated nodes and a glob matches node by node: `*` never crosses a dot,
 * and a pattern of k nodes names k-node paths (find and expand also take the k-node prefixes of
 * longer names as branches).
 */
import { GlobError, MAX_GLOB_LENGTH, extendedGlobMatcher, type NameMatcher } from '../../../../core/glob.js';
import { badRequest } from '../../httpError.js';

export interface NodeMatcher {
  readonly depth: number;
  /** The first `depth` nodes of `name` as one string when they match, else undefined. */
  prefix(name: string): string | undefined;
}

export function nodeMatcher(pattern: string): NodeMatcher {
  if (pattern.length > MAX_GLOB_LENGTH)
    throw badRequest(
      `pattern "${pattern.slice(0, 50)}…" is ${pattern.length} characters; the limit is ${MAX_GLOB_LENGTH}`,
    );
  let nodes: NameMatcher[];
  try {
    nodes = pattern.split('.').map((p) => extendedGlobMatcher(p));
  } catch (err) {
    if (err instanceof GlobError) throw badRequest(`${err.message}: "${pattern.slice(0, 100)}"`);
    throw err;
  }
  return {
    depth: nodes.length,
    prefix(name) {
      let from = 0;
      for (let k = 0; k < nodes.length; k++) {
        const dot = name.indexOf('.', from);
        const to = dot < 0 ? name.length : dot;
        // Fewer nodes than the pattern: no match.
        if (dot < 0 && k < nodes.length - 1) return undefined;
        if (!nodes[k](name.slice(from, to))) return undefined;
        from = to + 1;
      }
      return name.slice(0, from - 1);
    },
  };
}

/** Whether a whole name matches: as many nodes as the pattern, each matching. */
export function pathMatcher(pattern: string): NameMatcher {
  const m = nodeMatcher(pattern);
  return (name) => m.prefix(name)?.length === name.length;
}

/** Names matched per turn of the event loop: a glob over a million names must not hold ingest. */
const NAMES_PER_TURN = 10_000;

/** Each k-node prefix the pattern matches, with whether it is a whole name (leaf) and whether longer names continue it (branch). */
export async function matchPrefixes(
  names: readonly string[],
  pattern: string,
): Promise<Map<string, { leaf: boolean; branch: boolean }>> {
  const m = nodeMatcher(pattern);
  const out = new Map<string, { leaf: boolean; branch: boolean }>();
  for (let i = 0; i < names.length; i++) {
    if (i > 0 && i % NAMES_PER_TURN === 0) await new Promise((r) => setImmediate(r));
    const p = m.prefix(names[i]);
    if (p === undefined) continue;
    const e = out.get(p) ?? { leaf: false, branch: false };
    if (p.length === names[i].length) e.leaf = true;
    else e.branch = true;
    out.set(p, e);
  }
  return out;
}
