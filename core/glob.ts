/**
 * Globs with `*` only (any run of characters, as Redis SCAN MATCH understands it), matched without a
 * regular expression. A `*` glob compiled to `^a.*b.*c$` backtracks polynomially in the name length for
 * each star (500 × 'a' against `*a*a*…*!` froze the process), so this matcher splits the glob at its stars and
 * places each literal piece at its leftmost position after the previous one: for `*`-only globs the leftmost
 * placement is always a valid one when any is, so there is nothing to backtrack. Cost: at most the name
 * length × the glob length, once.
 */

/** Longest glob a user may send (the web API and `kale metrics`); longer ones are refused, not truncated. */
export const MAX_GLOB_LENGTH = 400;

/** A message naming the limit when `glob` is too long to search with, else undefined. */
export function globTooLong(glob: string): string | undefined {
  return glob.length > MAX_GLOB_LENGTH ? `pattern is ${glob.length} characters; the limit is ${MAX_GLOB_LENGTH}` : undefined;
}

export type NameMatcher = (name: string) => boolean;

export function globMatcher(glob: string, opts: { ignoreCase?: boolean } = {}): NameMatcher {
  const fold = opts.ignoreCase ? (s: string) => s.toLowerCase() : (s: string) => s;
  const pieces = fold(glob).split('*');
  if (pieces.length === 1) return (name) => fold(name) === pieces[0];
  const head = pieces[0];
  const tail = pieces[pieces.length - 1];
  const middle = pieces.slice(1, -1).filter((p) => p !== '');
  return (rawName) => {
    const name = fold(rawName);
    if (name.length < head.length + tail.length || !name.startsWith(head) || !name.endsWith(tail)) return false;
    const end = name.length - tail.length;
    let at = head.length;
    for (const piece of middle) {
      const found = name.indexOf(piece, at);
      if (found < 0 || found + piece.length > end) return false;
      at = found + piece.length;
    }
    return true;
  };
}

/** Names matched per turn of the event loop by `filterYielding`. */
const NAMES_PER_TURN = 10_000;

/**
 * The names `matches` accepts, yielding to the event loop every NAMES_PER_TURN names: a search over a
 * million names in a process that also ingests must not hold its listeners for the whole scan.
 */
export async function filterYielding(names: ReadonlyArray<string>, matches: NameMatcher): Promise<string[]> {
  const out: string[] = [];
  for (let from = 0; from < names.length; from += NAMES_PER_TURN) {
    if (from > 0) await new Promise((r) => setImmediate(r));
    const to = Math.min(names.length, from + NAMES_PER_TURN);
    for (let i = from; i < to; i++) if (matches(names[i])) out.push(names[i]);
  }
  return out;
}
