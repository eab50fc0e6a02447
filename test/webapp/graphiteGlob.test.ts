import { describe, expect, it } from 'vitest';
import { extendedGlobMatcher } from '../../core/glob.js';

/** The backtracking regular expression such a glob means; fine on the tiny inputs below. */
function reference(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    const close = c === '[' ? glob.indexOf(']', i + 2) : c === '{' ? glob.indexOf('}', i) : -1;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[' && close > 0) {
      const body = glob.slice(i + 1, close);
      re += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
      i = close;
    } else if (c === '{' && close > 0) {
      re += `(?:${glob
        .slice(i + 1, close)
        .split(',')
        .map((a) => a.replace(/[.+?^${}()|[\]\\*]/g, '\\$&'))
        .join('|')})`;
      i = close;
    } else re += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

const words = (alphabet: string, max: number): string[] => {
  const out = [''];
  for (let i = 0; out[i].length < max; i++) for (const c of alphabet) out.push(out[i] + c);
  return out;
};

describe('extendedGlobMatcher (Graphite globs)', () => {
  it('agrees with the regular expression on every short glob over *, ?, [ab], [!a], {a,b} and two letters', () => {
    const names = words('ab', 5);
    const pieces = ['a', 'b', '*', '?', '[ab]', '[!a]', '{a,b}', '{ab,b}'];
    const globs = words('abcdefgh', 3).map((w) => [...w].map((c) => pieces[c.charCodeAt(0) - 97]).join(''));
    for (const glob of globs) {
      const matches = extendedGlobMatcher(glob);
      const re = reference(glob);
      for (const name of names) expect(matches(name), `${glob} ~ ${name}`).toBe(re.test(name));
    }
  });

  it('reads ranges, takes an unclosed [ or { literally, and answers *a*a*…*! over 500 characters at once', () => {
    expect(extendedGlobMatcher('host[0-9][0-9]')('host42')).toBe(true);
    expect(extendedGlobMatcher('host[0-9]')('host42')).toBe(false);
    expect(extendedGlobMatcher('a[b')('a[b')).toBe(true);
    expect(extendedGlobMatcher('{a')('{a')).toBe(true);
    expect(extendedGlobMatcher('x[*]')('x*')).toBe(true);
    expect(extendedGlobMatcher(`${'*a'.repeat(100)}*!`)('a'.repeat(500))).toBe(false);
  });
});
