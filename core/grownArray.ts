type TypedArray = Int32Array | Uint32Array | Uint16Array | Uint8Array | Float64Array;

/**
 * `a` with room for at least `length` elements: `a` itself when it has it, else a copy at least
 * twice as long (amortised growth for columns filled one element at a time).
 */
export function grownArray<T extends TypedArray>(a: T, length: number): T {
  if (length <= a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(length, a.length * 2));
  b.set(a);
  return b;
}
