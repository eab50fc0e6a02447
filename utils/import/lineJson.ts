/**
 * JSON.parse that also remembers the line each array element starts on, so a bad datapoint deep in a
 * Graphite or Skyline export can be reported as `file:line`, as a CSV row is. Syntax errors name the
 * line and column.
 */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${message} at line ${line}, column ${column}`);
  }
}

export interface LineJson {
  readonly value: unknown;
  /** Line (1-based) of each element of every array in `value`. */
  readonly elementLines: WeakMap<unknown[], number[]>;
}

export function parseJsonWithLines(text: string): LineJson {
  const elementLines = new WeakMap<unknown[], number[]>();
  let p = 0;
  let line = 1;
  let lineStart = 0;

  const fail = (msg: string): never => {
    throw new JsonSyntaxError(msg, line, p - lineStart + 1);
  };
  const skipWs = () => {
    for (;;) {
      const c = text.charCodeAt(p);
      if (c === 10) {
        line++;
        p++;
        lineStart = p;
      } else if (c === 32 || c === 9 || c === 13) p++;
      else return;
    }
  };
  const expect = (ch: string) => {
    if (text[p] !== ch) fail(`expected '${ch}'`);
    p++;
  };

  const value = (): unknown => {
    skipWs();
    const c = text[p];
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    if (c === 't' && text.startsWith('true', p)) {
      p += 4;
      return true;
    }
    if (c === 'f' && text.startsWith('false', p)) {
      p += 5;
      return false;
    }
    if (c === 'n' && text.startsWith('null', p)) {
      p += 4;
      return null;
    }
    const m = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    m.lastIndex = p;
    const num = m.exec(text);
    if (!num) return fail(p >= text.length ? 'unexpected end of input' : `unexpected '${c}'`);
    p += num[0].length;
    return Number(num[0]);
  };

  const string = (): string => {
    const start = p;
    p++;
    for (;;) {
      const c = text[p];
      if (c === undefined || c === '\n') fail('unterminated string');
      if (c === '\\') p += 2;
      else if (c === '"') break;
      else p++;
    }
    p++;
    try {
      return JSON.parse(text.slice(start, p)) as string;
    } catch {
      return fail('bad string escape');
    }
  };

  const array = (): unknown[] => {
    p++;
    const out: unknown[] = [];
    const lines: number[] = [];
    skipWs();
    if (text[p] === ']') {
      p++;
      elementLines.set(out, lines);
      return out;
    }
    for (;;) {
      skipWs();
      lines.push(line);
      out.push(value());
      skipWs();
      if (text[p] === ',') {
        p++;
        continue;
      }
      expect(']');
      elementLines.set(out, lines);
      return out;
    }
  };

  const object = (): Record<string, unknown> => {
    p++;
    const out: Record<string, unknown> = {};
    skipWs();
    if (text[p] === '}') {
      p++;
      return out;
    }
    for (;;) {
      skipWs();
      if (text[p] !== '"') fail('expected a string key');
      const key = string();
      skipWs();
      expect(':');
      out[key] = value();
      skipWs();
      if (text[p] === ',') {
        p++;
        continue;
      }
      expect('}');
      return out;
    }
  };

  const result = value();
  skipWs();
  if (p < text.length) fail('unexpected data after the JSON value');
  return { value: result, elementLines };
}
