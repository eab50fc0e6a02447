/**
 * Typed arrays over SharedArrayBuffer: a table's columns live in shared memory so scan worker threads
 * read them in place (posting one to a worker passes a handle, not a copy of 60 MB).
 */
export const sharedFloat32 = (length: number): Float32Array =>
  new Float32Array(new SharedArrayBuffer(length * 4));
export const sharedUint8 = (length: number): Uint8Array => new Uint8Array(new SharedArrayBuffer(length));

/** `a` itself when it is already shared, otherwise a shared copy. */
export function asShared(a: Float32Array): Float32Array {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const copy = sharedFloat32(a.length);
  copy.set(a);
  return copy;
}
