// snappyjs (a pure-JS Snappy codec) ships no types.
declare module 'snappyjs' {
  /** Throws on a malformed stream, or when its declared length is over `maxLength`. */
  export function uncompress(compressed: Buffer, maxLength?: number): Buffer;
  export function compress(uncompressed: Buffer): Buffer;
}
