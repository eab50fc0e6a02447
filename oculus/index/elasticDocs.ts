import { fingerprint } from '../shapes/fingerprint.js';
import { sax } from '../shapes/sax.js';
import type { Shape } from '../shapes/shape.js';
import type { ShapeWindow } from '../shapes/windows.js';
import { isFlat } from '../shapes/znorm.js';

/** A shape as stored in Elasticsearch: `paa` is the knn vector; `z` is kept in _source only. */
export interface ShapeDoc {
  name: string;
  segments: string[];
  window: ShapeWindow;
  flat: boolean;
  mean: number;
  std: number;
  min: number;
  max: number;
  last: number;
  start: number;
  step: number;
  paa: number[];
  z: number[];
  sax: string;
  fingerprint: string;
}

export function shapeMapping(dims: number, vectorIndex: 'hnsw' | 'flat') {
  return {
    dynamic: 'strict' as const,
    properties: {
      name: { type: 'keyword' as const },
      segments: { type: 'keyword' as const },
      window: { type: 'keyword' as const },
      flat: { type: 'boolean' as const },
      mean: { type: 'double' as const },
      std: { type: 'double' as const },
      min: { type: 'double' as const },
      max: { type: 'double' as const },
      last: { type: 'double' as const },
      start: { type: 'double' as const },
      step: { type: 'integer' as const },
      paa: { type: 'dense_vector' as const, dims, index: true, similarity: 'l2_norm' as const, index_options: { type: vectorIndex } },
      z: { type: 'float' as const, index: false, doc_values: false },
      sax: { type: 'keyword' as const },
      // The standard analyzer is built in (the test zip lacks analysis-common): whitespace-split tokens.
      fingerprint: { type: 'text' as const },
    },
  };
}

/**
 * Six decimals: z-normalised values and their PAA lie within a few units of zero, so this is about
 * float32 precision (what the index keeps) with short bulk bodies, and much cheaper than toPrecision.
 */
const f32 = (v: number) => Math.round(v * 1e6) / 1e6;

export function toDoc(s: Shape): ShapeDoc {
  return {
    name: s.name,
    segments: s.name.split('.'),
    window: s.window,
    flat: s.flat,
    ...s.stats,
    start: s.start,
    step: s.step,
    paa: Array.from(s.paa, f32),
    z: Array.from(s.z, f32),
    sax: s.sax,
    fingerprint: s.fingerprint,
  };
}

export function fromDoc(d: ShapeDoc): Shape {
  const z = Float64Array.from(d.z);
  const p = Float64Array.from(d.paa);
  const stats = { mean: d.mean, std: d.std, min: d.min, max: d.max, last: d.last };
  return {
    name: d.name, window: d.window, start: d.start, step: d.step,
    raw: z.map((v) => v * d.std + d.mean), z, paa: p, sax: d.sax || sax(p), fingerprint: d.fingerprint || fingerprint(p),
    stats, flat: d.flat || isFlat(stats),
  };
}
