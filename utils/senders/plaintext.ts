import type { NamedPoint } from './sender.js';

/** Graphite plaintext: `name value timestamp\n` per point. */
export function encodePlaintext(points: ReadonlyArray<NamedPoint>): Buffer {
  let s = '';
  for (const p of points) s += `${p.name} ${p.value} ${p.ts}\n`;
  return Buffer.from(s, 'utf8');
}
