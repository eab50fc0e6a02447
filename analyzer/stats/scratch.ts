/**
 * Reusable working buffers. Detectors run hundreds of thousands of times a cycle and each needs a
 * few arrays the size of the window; allocating them every time made the garbage collector a top
 * cost. Each caller owns a named slot (never two live uses of one slot), and the analysis is
 * synchronous, so per-thread buffers are safe.
 */
const slots = new Map<string, Float64Array>();

export function scratch(slot: string, n: number): Float64Array {
  let buf = slots.get(slot);
  if (!buf || buf.length < n) {
    buf = new Float64Array(Math.max(n, 2 * (buf?.length ?? 0), 1024));
    slots.set(slot, buf);
  }
  return buf.subarray(0, n);
}
