/**
 * Regular expressions from users (seriesByTag's `=~`, /tags?filter=) run against every tagged name
 * Kale holds, so a backtracking one (`(a+)+$`) would hold the event loop for minutes. They are
 * compiled for V8's linear-time engine instead (the `l` flag): matching costs at most the value's
 * length × the pattern's size, whatever the pattern. That engine refuses what it cannot run in linear
 * time (back-references, lookarounds, huge counted repeats), and the refusal is the user's 400.
 */
import v8 from 'node:v8';

// The engine ships with V8 behind a flag that only makes the `l` flag available: no other regular
// expression changes engine.
v8.setFlagsFromString('--enable-experimental-regexp-engine');

export class RegexError extends Error {}

/** `source` compiled to run in linear time; RegexError names what is wrong with it. */
export function linearRegex(source: string): RegExp {
  try {
    return new RegExp(source, 'l');
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    if (err.message.startsWith('Invalid flags'))
      throw new RegexError('regular expressions are unavailable: this Node has no linear-time engine');
    // V8's message is `Invalid regular expression: /<source>/l: <why>`; the why is what to show.
    const why = err.message.slice(err.message.lastIndexOf(': ') + 2);
    throw new RegexError(`invalid regular expression "${source.slice(0, 100)}": ${why}`);
  }
}
