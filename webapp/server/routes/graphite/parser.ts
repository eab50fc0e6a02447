/**
 * Graphite target expressions: `sumSeries(app.*.requests)`, `alias(a.b, 'x')`,
 * `summarize(a.{b,c}, "1h", func="max")`. A hand-written recursive descent over the string, bounded in
 * length and nesting, so no target can run it long or deep.
 */
export type Expr =
  | { readonly kind: 'path'; readonly path: string }
  | {
      readonly kind: 'call';
      readonly name: string;
      readonly args: readonly Expr[];
      readonly kwargs: ReadonlyMap<string, Expr>;
    }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'none' };

export class TargetSyntaxError extends Error {}

/** Deepest nesting of calls accepted. */
export const MAX_DEPTH = 32;

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const KWARG = /^([A-Za-z_]\w*)\s*=(?!=)/;
const NAME = /^[A-Za-z_]\w*$/;

export function parseTarget(text: string): Expr {
  const p = new Parser(text);
  const e = p.expr(0);
  p.space();
  if (!p.done()) p.fail(`unexpected "${text[p.at]}"`);
  return e;
}

class Parser {
  at = 0;
  constructor(readonly text: string) {}

  done(): boolean {
    return this.at >= this.text.length;
  }
  space(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at])) this.at++;
  }

  fail(why: string): never {
    throw new TargetSyntaxError(`${why} at character ${this.at + 1} of "${this.text.slice(0, 200)}"`);
  }

  expr(depth: number): Expr {
    this.space();
    if (this.done()) this.fail('expected a series, a function call or a value');
    const c = this.text[this.at];
    if (c === '"' || c === "'") return { kind: 'string', value: this.quoted(c) };
    const start = this.at;
    const token = this.token();
    if (token === '') this.fail(`unexpected "${c}"`);
    this.space();
    if (this.text[this.at] === '(') {
      if (!NAME.test(token)) {
        this.at = start;
        this.fail(`"${token.slice(0, 50)}" is not a function name`);
      }
      if (depth >= MAX_DEPTH) this.fail(`calls nested deeper than ${MAX_DEPTH}`);
      this.at++;
      return this.call(token, depth + 1);
    }
    if (NUMBER.test(token)) return { kind: 'number', value: Number(token) };
    if (token === 'true' || token === 'True') return { kind: 'boolean', value: true };
    if (token === 'false' || token === 'False') return { kind: 'boolean', value: false };
    if (token === 'None' || token === 'none' || token === 'null') return { kind: 'none' };
    return { kind: 'path', path: token };
  }

  /** A path or a name: up to whitespace, a paren, a quote or a comma outside `{…}` (which may hold commas). */
  private token(): string {
    const start = this.at;
    let braces = 0;
    for (; this.at < this.text.length; this.at++) {
      const c = this.text[this.at];
      if (c === '{') braces++;
      else if (c === '}') braces = Math.max(0, braces - 1);
      else if (
        c === '(' ||
        c === ')' ||
        c === '"' ||
        c === "'" ||
        /\s/.test(c) ||
        (c === ',' && braces === 0)
      )
        break;
    }
    return this.text.slice(start, this.at);
  }

  private quoted(q: string): string {
    const close = this.text.indexOf(q, this.at + 1);
    if (close < 0) this.fail(`unterminated string`);
    const value = this.text.slice(this.at + 1, close);
    this.at = close + 1;
    return value;
  }

  private call(name: string, depth: number): Expr {
    const args: Expr[] = [];
    const kwargs = new Map<string, Expr>();
    this.space();
    if (this.text[this.at] === ')') {
      this.at++;
      return { kind: 'call', name, args, kwargs };
    }
    for (;;) {
      this.space();
      const kw = KWARG.exec(this.text.slice(this.at, this.at + 100));
      if (kw) {
        this.at += kw[0].length;
        if (kwargs.has(kw[1])) this.fail(`${name}: ${kw[1]}= given twice`);
        kwargs.set(kw[1], this.expr(depth));
      } else {
        if (kwargs.size > 0) this.fail(`${name}: a positional argument after a keyword argument`);
        args.push(this.expr(depth));
      }
      this.space();
      const c = this.text[this.at];
      this.at++;
      if (c === ')') return { kind: 'call', name, args, kwargs };
      if (c !== ',') {
        this.at--;
        this.fail(this.done() ? `${name}( is not closed` : `expected "," or ")" in ${name}(…)`);
      }
    }
  }
}
