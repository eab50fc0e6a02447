/**
 * Just enough of the WebAssembly binary format (core spec §5, SIMD opcodes of the fixed-width SIMD
 * proposal) to build a small module at run time: the repository has no wasm toolchain, and the one
 * kernel that needs SIMD (cdtwPairs.ts: its bounds and its DTW) is short enough to write as instructions.
 */

/** Value types. */
export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;

/** Core opcodes used by the kernels. */
export const op = {
  block: 0x02,
  if: 0x04,
  loop: 0x03,
  end: 0x0b,
  brIf: 0x0d,
  return: 0x0f,
  select: 0x1b,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Const: 0x41,
  i32Eqz: 0x45,
  i32Ne: 0x47,
  i32LtS: 0x48,
  i32GtS: 0x4a,
  i32LeS: 0x4c,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Shl: 0x74,
  i32ShrU: 0x76,
  f32Load: 0x2a,
  f64Load: 0x2b,
  f64Store: 0x39,
  f64Const: 0x44,
  f64Sub: 0xa1,
  f64Mul: 0xa2,
  f64Max: 0xa5,
  f64PromoteF32: 0xbb,
  /** Block type of an `if` or `loop` that leaves nothing on the stack. */
  void: 0x40,
} as const;

/** SIMD opcodes (each follows the 0xfd prefix, as LEB128). */
export const simd = {
  load: 0x00,
  store: 0x0b,
  const: 0x0c,
  f64x2Splat: 0x14,
  /** Lane index follows, as a byte. */
  f64x2ExtractLane: 0x21,
  f64x2ReplaceLane: 0x22,
  f64x2Lt: 0x49,
  f64x2Gt: 0x4a,
  f64x2Ge: 0x4c,
  and: 0x4e,
  /** (a & mask) | (b & ~mask), the mask on top of the stack: a per-lane `mask ? a : b` without a branch. */
  bitselect: 0x52,
  anyTrue: 0x53,
  f64x2Add: 0xf0,
  f64x2Sub: 0xf1,
  f64x2Mul: 0xf2,
  /** b < a ? b : a per lane: the plain min of two numbers that are never NaN, without min's NaN fix-ups. */
  f64x2Pmin: 0xf6,
} as const;

export function unsignedLeb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

export function signedLeb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** A SIMD instruction; loads and stores take a 16-byte-aligned memarg with a constant offset. */
export function simdOp(code: number, offset?: number): number[] {
  const memarg = offset === undefined ? [] : [4, ...unsignedLeb(offset)];
  return [0xfd, ...unsignedLeb(code), ...memarg];
}

/** A float64 load or store (8-byte aligned) with a constant offset. */
export function f64Op(code: number, offset: number): number[] {
  return [code, 3, ...unsignedLeb(offset)];
}

/** A float32 load (4-byte aligned) with a constant offset. */
export function f32Load(offset: number): number[] {
  return [op.f32Load, 2, ...unsignedLeb(offset)];
}

/** Locals and constants. */
export const get = (x: number) => [op.localGet, x];
export const set = (x: number) => [op.localSet, x];
export const tee = (x: number) => [op.localTee, x];
export const i32 = (x: number) => [op.i32Const, ...signedLeb(x)];
export const f64 = (x: number) => [op.f64Const, ...new Uint8Array(new Float64Array([x]).buffer)];

/** v128.const with the same float64 in both lanes. */
export function f64x2Const(x: number): number[] {
  const bytes = new Uint8Array(new Float64Array([x, x]).buffer);
  return [...simdOp(simd.const), ...bytes];
}

const section = (id: number, body: number[]) => [id, ...unsignedLeb(body.length), ...body];
const vector = (items: number[][]) => [...unsignedLeb(items.length), ...items.flat()];
const name = (s: string) => vector([...Buffer.from(s, 'utf8')].map((b) => [b]));

/** One function of a module: its name, signature by value types, locals after its parameters, and body. */
export interface WasmFunction {
  readonly name: string;
  readonly params: number[];
  /** Its one result's type, if any. */
  readonly result?: number;
  readonly locals: number[];
  /** The instructions (the final `end` is added). */
  readonly body: number[];
}

/** A module exporting `functions` by name and its own memory `memory` (`pages` of 64 KiB). */
export function wasmModule(functions: WasmFunction[], pages: number): Uint8Array {
  const types = functions.map((f) => [
    0x60,
    ...vector(f.params.map((t) => [t])),
    ...vector(f.result === undefined ? [] : [[f.result]]),
  ]);
  const codes = functions.map((f) => {
    const code = [...vector(f.locals.map((t) => [1, t])), ...f.body, op.end];
    return [...unsignedLeb(code.length), ...code];
  });
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector(types)),
    ...section(3, vector(functions.map((_, i) => unsignedLeb(i)))),
    ...section(5, vector([[0x00, ...unsignedLeb(pages)]])),
    ...section(
      7,
      vector([
        ...functions.map((f, i) => [...name(f.name), 0x00, ...unsignedLeb(i)]),
        [...name('memory'), 0x02, 0],
      ]),
    ),
    ...section(10, vector(codes)),
  ]);
}
