/**
 * Globs with `*` only (any run of characters, as Redis SCAN MATCH understands it), matched without a
 * regular expression. A `*` glob compiled to `^a.*b.*c$` backtracks polynomially in the name length for
 * each star (500 × 'a' against `*a*a*…*!` froze the process), so this matcher splits the glob at its stars and
 * places each literal piece at its leftmost position after the previous one: for `*`-only globs the leftmost
 * placement is always a valid one when any is, so there is nothing to backtrack. Cost: at most the name
 * length × the glob length, once. `extendedGlobMatcher` adds Graphite's `?`, `[0-9]` and `{a,b}` on the
 * same placement: classes keep every piece a fixed length, and alternatives are matched one by one.
 */

/** Longest glob a user may send (the web API and `kale metrics`); longer ones are refused, not truncated. */
export const MAX_GLOB_LENGTH = 400;

/** A message naming the limit when `glob` is too long to search with, else undefined. */
export function globTooLong(glob: string): string | undefined {
  return glob.length > MAX_GLOB_LENGTH
    ? `pattern is ${glob.length} characters; the limit is ${MAX_GLOB_LENGTH}`
    : undefined;
}

export type NameMatcher = (name: string) => boolean;

/** One character position of a piece: a literal character or a class (`?`, `[a-z]`, `[!0-9]`). */
type Position = string | ((c: string) => boolean);

/** A run of a glob between two stars; `literal` is set when every position is a plain character. */
interface Piece {
  readonly length: number;
  readonly literal?: string;
  readonly positions: readonly Position[];
}

const literalPiece = (text: string): Piece => ({ length: text.length, literal: text, positions: [...text] });

function startsAt(name: string, p: Piece, at: number): boolean {
  if (at < 0 || at + p.length > name.length) return false;
  if (p.literal !== undefined) return name.startsWith(p.literal, at);
  return p.positions.every((t, k) => (typeof t === 'string' ? name[at + k] === t : t(name[at + k])));
}

function findFrom(name: string, p: Piece, from: number): number {
  if (p.literal !== undefined) return name.indexOf(p.literal, from);
  for (let i = from; i + p.length <= name.length; i++) if (startsAt(name, p, i)) return i;
  return -1;
}

/**
 * Whether `name` is the pieces joined by stars: head and tail pinned to the ends, each middle piece at
 * its leftmost place after the previous one. Pieces have a fixed length, so the leftmost place is
 * always a valid one when any is, with or without classes in them.
 */
function piecesMatch(name: string, pieces: readonly Piece[]): boolean {
  const head = pieces[0];
  if (pieces.length === 1) return name.length === head.length && startsAt(name, head, 0);
  const tail = pieces[pieces.length - 1];
  if (
    name.length < head.length + tail.length ||
    !startsAt(name, head, 0) ||
    !startsAt(name, tail, name.length - tail.length)
  )
    return false;
  const end = name.length - tail.length;
  let at = head.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const piece = pieces[i];
    if (piece.length === 0) continue;
    const found = findFrom(name, piece, at);
    if (found < 0 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return true;
}

export function globMatcher(glob: string, opts: { ignoreCase?: boolean } = {}): NameMatcher {
  const fold = opts.ignoreCase ? (s: string) => s.toLowerCase() : (s: string) => s;
  const pieces = fold(glob).split('*').map(literalPiece);
  return (name) => piecesMatch(fold(name), pieces);
}

/** A glob the extended matcher refuses (too many `{a,b}` alternatives), with a message for the user. */
export class GlobError extends Error {}

/** Most alternatives one glob's `{a,b}` groups may multiply out to: each costs one linear match. */
export const MAX_ALTERNATIVES = 256;

/** `{a,b}x{c,d}` → `axc`, `axd`, `bxc`, `bxd`; a `{` without its `}` is a literal character. */
function expandBraces(glob: string): string[] {
  const open = glob.indexOf('{');
  const close = open < 0 ? -1 : glob.indexOf('}', open);
  if (close < 0) return [glob];
  const head = glob.slice(0, open);
  const rest = expandBraces(glob.slice(close + 1));
  const out: string[] = [];
  for (const alt of glob.slice(open + 1, close).split(',')) {
    for (const r of rest) {
      if (out.length >= MAX_ALTERNATIVES)
        throw new GlobError(`pattern has more than ${MAX_ALTERNATIVES} {a,b} alternatives`);
      out.push(head + alt + r);
    }
  }
  return out;
}

/** `[a-z0-9_]` or `[!…]` / `[^…]` (negated) starting at `glob[at]`; null when there is no closing `]`. */
function charClass(glob: string, at: number): { test: (c: string) => boolean; next: number } | null {
  let i = at + 1;
  const negated = glob[i] === '!' || glob[i] === '^';
  if (negated) i++;
  const close = glob.indexOf(']', i + 1);
  if (close < 0) return null;
  const ranges: Array<[string, string]> = [];
  for (let k = i; k < close; k++) {
    if (glob[k + 1] === '-' && k + 2 < close) {
      ranges.push([glob[k], glob[k + 2]]);
      k += 2;
    } else ranges.push([glob[k], glob[k]]);
  }
  const inside = (c: string) => ranges.some(([lo, hi]) => c >= lo && c <= hi);
  return { test: (c) => c !== undefined && inside(c) !== negated, next: close + 1 };
}

function pieceOf(text: string): Piece {
  const positions: Position[] = [];
  let plain = true;
  for (let i = 0; i < text.length; ) {
    const cls = text[i] === '[' ? charClass(text, i) : null;
    if (text[i] === '?') {
      positions.push((c) => c !== undefined);
      plain = false;
      i++;
    } else if (cls) {
      positions.push(cls.test);
      plain = false;
      i = cls.next;
    } else positions.push(text[i++]);
  }
  return plain ? literalPiece(text) : { length: positions.length, positions };
}

/**
 * Shell-style globs as Graphite writes them: `*`, `?`, `[0-9]` / `[!a]` classes and `{a,b}`
 * alternatives, matched without a regular expression (each alternative in name length × glob length).
 * Throws GlobError past MAX_ALTERNATIVES alternatives.
 */
export function extendedGlobMatcher(glob: string): NameMatcher {
  // A star inside a class (`[*]`) is a character, not a split point: split only outside classes.
  const alternatives = expandBraces(glob).map((alt) => splitStars(alt).map(pieceOf));
  if (alternatives.length === 1) return (name) => piecesMatch(name, alternatives[0]);
  return (name) => alternatives.some((pieces) => piecesMatch(name, pieces));
}

function splitStars(glob: string): string[] {
  const out: string[] = [];
  let from = 0;
  for (let i = 0; i < glob.length; i++) {
    if (glob[i] === '[') {
      const cls = charClass(glob, i);
      if (cls) {
        i = cls.next - 1;
        continue;
      }
    }
    if (glob[i] === '*') {
      out.push(glob.slice(from, i));
      from = i + 1;
    }
  }
  out.push(glob.slice(from));
  return out;
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
