/**
 * A restricted unpickler written for Kale. Pickle is a program for a stack machine; this
 * interpreter implements only the opcodes that build plain data (protocols 0–5) and rejects, with a
 * clear error, every opcode that can name or call code. It never evaluates anything it reads.
 *
 * Results: None → null, bool → boolean, int/long → number, float → number, str → string,
 * bytes/bytearray → Buffer, tuple/list/set/frozenset → array, dict → Map.
 *
 * Bounds (so no input can exhaust memory or time): every length prefix is checked against the bytes
 * actually present before anything is allocated; container nesting and MARK depth are capped; the memo
 * is a Map with a capped entry count (a huge memo index cannot allocate a huge array); integers are
 * capped in size. Work is linear in the input length, and the input is already capped by the framing.
 */

export class PickleError extends Error {
  constructor(
    message: string,
    readonly code: 'forbidden' | 'malformed' | 'limit',
  ) {
    super(message);
  }
}

export interface UnpickleLimits {
  /** Deepest container nesting accepted (a Kale frame needs 3: list → tuple → tuple). */
  readonly maxDepth: number;
  /** Most MARKs open at once. */
  readonly maxMarks: number;
  readonly maxMemo: number;
  /** Largest integer, in bytes (LONG1/LONG4) or decimal digits (INT/LONG). */
  readonly maxIntBytes: number;
}

export const DEFAULT_UNPICKLE_LIMITS: UnpickleLimits = {
  maxDepth: 32,
  maxMarks: 64,
  maxMemo: 100_000,
  maxIntBytes: 64,
};

/** Opcodes that name or call code: never executed. */
const FORBIDDEN: ReadonlyMap<number, string> = new Map([
  [0x63, 'GLOBAL'],
  [0x93, 'STACK_GLOBAL'],
  [0x52, 'REDUCE'],
  [0x62, 'BUILD'],
  [0x69, 'INST'],
  [0x6f, 'OBJ'],
  [0x81, 'NEWOBJ'],
  [0x92, 'NEWOBJ_EX'],
  [0x82, 'EXT1'],
  [0x83, 'EXT2'],
  [0x84, 'EXT4'],
  [0x50, 'PERSID'],
  [0x51, 'BINPERSID'],
  [0x97, 'NEXT_BUFFER'],
]);

const MARK = Symbol('mark');
type Value = null | boolean | number | string | Buffer | Value[] | Map<Value, Value>;
type Slot = Value | typeof MARK;

/** Decodes one pickle from `buf` (the whole buffer must be the pickle, ending at STOP). */
export function unpickle(buf: Uint8Array, limits: UnpickleLimits = DEFAULT_UNPICKLE_LIMITS): unknown {
  return new Machine(buf, limits).run();
}

class Machine {
  private p = 0;
  private readonly stack: Slot[] = [];
  private readonly marks: number[] = [];
  private readonly memo = new Map<number, Value>();
  /** Nesting depth of each container built so far; scalars are depth 0. */
  private readonly depths = new WeakMap<object, number>();
  private readonly dv: DataView;
  /** The same bytes as a Buffer, so strings decode in place without a view per string. */
  private readonly buf: Buffer;

  constructor(
    private readonly b: Uint8Array,
    private readonly limits: UnpickleLimits,
  ) {
    this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    this.buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  }

  run(): unknown {
    const b = this.b;
    for (;;) {
      if (this.p >= b.length) throw new PickleError('truncated pickle: no STOP opcode', 'malformed');
      const op = b[this.p++];
      const forbidden = FORBIDDEN.get(op);
      if (forbidden)
        throw new PickleError(
          `forbidden pickle opcode ${forbidden} (0x${op.toString(16)}) at byte ${this.p - 1}: Kale only accepts plain data`,
          'forbidden',
        );
      switch (op) {
        case 0x2e: {
          // STOP
          if (this.p !== b.length)
            throw new PickleError(`${b.length - this.p} bytes after STOP`, 'malformed');
          if (this.marks.length || this.stack.length !== 1)
            throw new PickleError('pickle did not leave exactly one value', 'malformed');
          return this.pop();
        }
        case 0x80:
          this.take(1);
          break; // PROTO: any protocol 0-5 layout decodes the same way
        case 0x95:
          this.take(8);
          break; // FRAME: framing hint only; bytes follow inline
        case 0x28: // MARK
          if (this.marks.length >= this.limits.maxMarks)
            throw new PickleError(`more than ${this.limits.maxMarks} open MARKs`, 'limit');
          this.marks.push(this.stack.length);
          this.stack.push(MARK);
          break;
        case 0x30:
          this.pop();
          break; // POP
        case 0x31:
          this.popMark();
          break; // POP_MARK
        case 0x32:
          this.push(this.peek());
          break; // DUP
        case 0x4e:
          this.push(null);
          break; // NONE
        case 0x88:
          this.push(true);
          break; // NEWTRUE
        case 0x89:
          this.push(false);
          break; // NEWFALSE
        case 0x49:
          this.push(this.textInt(this.line()));
          break; // INT (I01/I00 are bools)
        case 0x4c:
          this.push(this.textInt(this.line().replace(/L$/, '')));
          break; // LONG
        case 0x4a:
          this.push(this.dv.getInt32(this.take(4), true));
          break; // BININT
        case 0x4b:
          this.push(b[this.take(1)]);
          break; // BININT1
        case 0x4d:
          this.push(this.dv.getUint16(this.take(2), true));
          break; // BININT2
        case 0x8a:
          this.push(this.binLong(b[this.take(1)]));
          break; // LONG1
        case 0x8b:
          this.push(this.binLong(this.dv.getInt32(this.take(4), true)));
          break; // LONG4
        case 0x46:
          this.push(this.textFloat(this.line()));
          break; // FLOAT
        case 0x47:
          this.push(this.dv.getFloat64(this.take(8), false));
          break; // BINFLOAT
        case 0x53:
          this.push(unquotePythonString(this.line()));
          break; // STRING
        case 0x54:
          this.push(this.latin1(this.len32()));
          break; // BINSTRING
        case 0x55:
          this.push(this.latin1(b[this.take(1)]));
          break; // SHORT_BINSTRING
        case 0x56:
          this.push(rawUnicodeEscape(this.lineBytes()));
          break; // UNICODE
        case 0x58:
          this.push(this.utf8(this.len32()));
          break; // BINUNICODE
        case 0x8c:
          this.push(this.utf8(b[this.take(1)]));
          break; // SHORT_BINUNICODE
        case 0x8d:
          this.push(this.utf8(this.len64()));
          break; // BINUNICODE8
        case 0x42:
          this.push(Buffer.from(this.bytes(this.len32())));
          break; // BINBYTES
        case 0x43:
          this.push(Buffer.from(this.bytes(b[this.take(1)])));
          break; // SHORT_BINBYTES
        case 0x8e:
          this.push(Buffer.from(this.bytes(this.len64())));
          break; // BINBYTES8
        case 0x96:
          this.push(Buffer.from(this.bytes(this.len64())));
          break; // BYTEARRAY8
        case 0x98:
          this.peek();
          break; // READONLY_BUFFER: no-op on in-band bytes
        case 0x29:
          this.push([]);
          break; // EMPTY_TUPLE
        case 0x5d:
          this.push([]);
          break; // EMPTY_LIST
        case 0x7d:
          this.push(new Map());
          break; // EMPTY_DICT
        case 0x8f:
          this.push([]);
          break; // EMPTY_SET
        case 0x85:
          this.push(this.container(this.popN(1)));
          break; // TUPLE1
        case 0x86:
          this.push(this.container(this.popN(2)));
          break; // TUPLE2
        case 0x87:
          this.push(this.container(this.popN(3)));
          break; // TUPLE3
        case 0x74:
          this.push(this.container(this.popMark()));
          break; // TUPLE
        case 0x6c:
          this.push(this.container(this.popMark()));
          break; // LIST
        case 0x91:
          this.push(this.container(this.popMark()));
          break; // FROZENSET
        case 0x64:
          this.push(this.dict(this.popMark()));
          break; // DICT
        case 0x61: {
          const v = this.pop();
          this.extend(this.peekList(), [v]);
          break;
        } // APPEND
        case 0x65:
        case 0x90: {
          const items = this.popMark();
          this.extend(this.peekList(), items);
          break;
        } // APPENDS, ADDITEMS
        case 0x73: {
          const v = this.pop();
          const k = this.pop();
          this.setItems(this.peekDict(), [k, v]);
          break;
        } // SETITEM
        case 0x75: {
          const items = this.popMark();
          this.setItems(this.peekDict(), items);
          break;
        } // SETITEMS
        case 0x70:
          this.put(this.decimal(this.line()));
          break; // PUT
        case 0x71:
          this.put(b[this.take(1)]);
          break; // BINPUT
        case 0x72:
          this.put(this.dv.getUint32(this.take(4), true));
          break; // LONG_BINPUT
        case 0x94:
          this.put(this.memo.size);
          break; // MEMOIZE
        case 0x67:
          this.get(this.decimal(this.line()));
          break; // GET
        case 0x68:
          this.get(b[this.take(1)]);
          break; // BINGET
        case 0x6a:
          this.get(this.dv.getUint32(this.take(4), true));
          break; // LONG_BINGET
        default:
          throw new PickleError(
            `unknown pickle opcode 0x${op.toString(16)} at byte ${this.p - 1}`,
            'malformed',
          );
      }
    }
  }

  /** Advances past `n` bytes and returns where they start; throws when they are not all there. */
  private take(n: number): number {
    if (n < 0 || this.p + n > this.b.length)
      throw new PickleError(
        `truncated pickle: wanted ${n} bytes at ${this.p}, ${this.b.length - this.p} left`,
        'malformed',
      );
    const at = this.p;
    this.p += n;
    return at;
  }

  private bytes(n: number): Buffer {
    const at = this.take(n);
    return Buffer.from(this.b.buffer, this.b.byteOffset + at, n);
  }

  private utf8(n: number): string {
    const at = this.take(n);
    return this.buf.toString('utf8', at, at + n);
  }

  private latin1(n: number): string {
    const at = this.take(n);
    return this.buf.toString('latin1', at, at + n);
  }

  private len32(): number {
    return this.dv.getUint32(this.take(4), true);
  }

  private len64(): number {
    const at = this.take(8);
    // Anything past 2^32 cannot fit in a frame anyway; refuse it before allocating.
    if (this.dv.getUint32(at + 4, true) !== 0)
      throw new PickleError('8-byte length prefix beyond the frame', 'malformed');
    return this.dv.getUint32(at, true);
  }

  private lineBytes(): Buffer {
    const end = this.b.indexOf(0x0a, this.p);
    if (end < 0) throw new PickleError('truncated pickle: unterminated text argument', 'malformed');
    const out = this.bytes(end - this.p);
    this.p++;
    return out;
  }

  private line(): string {
    return this.lineBytes().toString('latin1');
  }

  private decimal(s: string): number {
    if (!/^\d{1,10}$/.test(s)) throw new PickleError(`bad memo index "${s.slice(0, 20)}"`, 'malformed');
    return Number(s);
  }

  private textInt(s: string): number | boolean {
    if (s === '01') return true;
    if (s === '00') return false;
    if (s.length > this.limits.maxIntBytes) throw new PickleError('integer too large', 'limit');
    if (!/^[-+]?\d+$/.test(s)) throw new PickleError(`bad integer "${s.slice(0, 20)}"`, 'malformed');
    return Number(s);
  }

  private textFloat(s: string): number {
    const t = s.trim().toLowerCase();
    if (t === 'nan') return NaN;
    if (t === 'inf') return Infinity;
    if (t === '-inf') return -Infinity;
    if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/.test(t))
      throw new PickleError(`bad float "${s.slice(0, 20)}"`, 'malformed');
    return Number(t);
  }

  /** Little-endian two's-complement integer of `n` bytes. */
  private binLong(n: number): number {
    if (n < 0 || n > this.limits.maxIntBytes) throw new PickleError('integer too large', 'limit');
    const at = this.take(n);
    if (n === 0) return 0;
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(this.b[at + i]);
    if (this.b[at + n - 1] & 0x80) v -= 1n << BigInt(8 * n);
    return Number(v);
  }

  private push(v: Value): void {
    this.stack.push(v);
  }

  private pop(): Value {
    if (
      this.stack.length === 0 ||
      (this.marks.length && this.stack.length - 1 === this.marks[this.marks.length - 1])
    ) {
      throw new PickleError('stack underflow', 'malformed');
    }
    return this.stack.pop() as Value;
  }

  private peek(): Value {
    const top = this.stack[this.stack.length - 1];
    if (this.stack.length === 0 || top === MARK) throw new PickleError('stack underflow', 'malformed');
    return top as Value;
  }

  private popN(n: number): Value[] {
    const out: Value[] = new Array(n);
    for (let i = n - 1; i >= 0; i--) out[i] = this.pop();
    return out;
  }

  private popMark(): Value[] {
    const at = this.marks.pop();
    if (at === undefined) throw new PickleError('no MARK on the stack', 'malformed');
    const items = this.stack.splice(at) as Value[];
    items.shift();
    return items;
  }

  private peekList(): Value[] {
    const top = this.peek();
    if (!Array.isArray(top)) throw new PickleError('APPEND to something that is not a list', 'malformed');
    return top;
  }

  private peekDict(): Map<Value, Value> {
    const top = this.peek();
    if (!(top instanceof Map)) throw new PickleError('SETITEM on something that is not a dict', 'malformed');
    return top;
  }

  private depthOf(v: Value): number {
    return v !== null && typeof v === 'object' && !Buffer.isBuffer(v) ? (this.depths.get(v) ?? 1) : 0;
  }

  private deepen(container: object, children: Value[]): void {
    let d = this.depths.get(container) ?? 1;
    for (const c of children) d = Math.max(d, this.depthOf(c) + 1);
    if (d > this.limits.maxDepth)
      throw new PickleError(`nesting deeper than ${this.limits.maxDepth}`, 'limit');
    // Depth 1 is the default for an unrecorded container; most (the (ts, value) tuples) stay there.
    if (d > 1) this.depths.set(container, d);
  }

  private container(items: Value[]): Value[] {
    this.deepen(items, items);
    return items;
  }

  private extend(list: Value[], items: Value[]): void {
    this.deepen(list, items);
    for (const v of items) list.push(v);
  }

  private dict(items: Value[]): Map<Value, Value> {
    const m = new Map<Value, Value>();
    this.setItems(m, items);
    return m;
  }

  private setItems(m: Map<Value, Value>, items: Value[]): void {
    if (items.length % 2) throw new PickleError('odd number of items for a dict', 'malformed');
    this.deepen(m, items);
    for (let i = 0; i < items.length; i += 2) m.set(items[i], items[i + 1]);
  }

  private put(index: number): void {
    if (!this.memo.has(index) && this.memo.size >= this.limits.maxMemo)
      throw new PickleError(`memo larger than ${this.limits.maxMemo} entries`, 'limit');
    this.memo.set(index, this.peek());
  }

  private get(index: number): void {
    if (!this.memo.has(index)) throw new PickleError(`memo index ${index} not set`, 'malformed');
    this.push(this.memo.get(index)!);
  }
}

const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n',
  r: '\r',
  t: '\t',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '0': '\0',
};

/** Python 2 `repr()` of a str, as protocol 0's STRING writes it: quoted, with backslash escapes. */
function unquotePythonString(s: string): string {
  const q = s[0];
  if (s.length < 2 || (q !== "'" && q !== '"') || s[s.length - 1] !== q)
    throw new PickleError('STRING argument is not quoted', 'malformed');
  const body = s.slice(1, -1);
  if (!body.includes('\\')) return body;
  return body.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]+$/.test(e)) return String.fromCharCode(parseInt(e, 8) & 0xff);
    return SIMPLE_ESCAPES[e] ?? `\\${e}`;
  });
}

/** Python's raw-unicode-escape: latin-1 bytes with `\uXXXX` and `\UXXXXXXXX` escapes. */
function rawUnicodeEscape(bytes: Buffer): string {
  return bytes
    .toString('latin1')
    .replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_, u4?: string, u8?: string) => {
      const cp = parseInt((u4 ?? u8)!, 16);
      if (cp > 0x10ffff) throw new PickleError('bad \\U escape', 'malformed');
      return String.fromCodePoint(cp);
    });
}
