import type { Shape } from '../shapes/shape.js';
import type { ShapeWindow } from '../shapes/windows.js';

/**
 * A shape as stored in Elasticsearch. `z` is the z-normalised values as base64 of little-endian
 * float32 (a `binary` field: neither indexed nor parsed, 4 bytes a value, and no float formatting
 * when building bulk bodies); `sax`, `fingerprint` and `segments` are there for term and phrase
 * queries (Oculus's compatibility mode). No PAA vector: searches scan a copy of `z` (elasticIndex.ts)
 * and recompute it, and indexing one cost more time than any other field.
 */
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
  z: string;
  sax: string;
  fingerprint: string;
  /** Only in knn mode (`elasticsearch.search: knn`): the PAA vector Elasticsearch's knn searches. */
  paa?: number[];
}

/** What a search process reads back of each document (see elasticTable.ts). */
export const TABLE_FIELDS = ['name', 'flat', 'mean', 'std', 'min', 'max', 'last', 'start', 'z'] as const;
export type TableDoc = Pick<ShapeDoc, (typeof TABLE_FIELDS)[number]>;

/**
 * Only what a query may need is indexed. Nothing sorts or aggregates, so no field keeps doc values,
 * and nothing ranks by relevance, so the fingerprint keeps no norms (together about a quarter of the
 * server's indexing CPU: 6.3 -> 4.6 s per 100k shapes, side harness); the fingerprint stays indexed
 * with positions for phrase queries (another 0.5 s per 100k).
 */
export function shapeMapping(knnDims?: number) {
  const keyword = { type: 'keyword' as const, doc_values: false };
  const stored = (type: 'double' | 'integer') => ({ type, index: false, doc_values: false });
  return {
    dynamic: 'strict' as const,
    properties: {
      name: keyword,
      segments: keyword,
      window: keyword,
      flat: { type: 'boolean' as const, doc_values: false },
      mean: stored('double'),
      std: stored('double'),
      min: stored('double'),
      max: stored('double'),
      last: stored('double'),
      start: stored('double'),
      step: stored('integer'),
      z: { type: 'binary' as const },
      sax: keyword,
      // The standard analyzer is built in (the test zip lacks analysis-common): whitespace-split tokens.
      fingerprint: { type: 'text' as const, norms: false },
      // PAA of z-normalised shapes: l2 distance in this space lower-bounds the Euclidean distance.
      // Float HNSW: with the default int8 quantisation a 2,000-candidate knn missed 46 of the 100
      // nearest PAA vectors (20k bench shapes); unquantised it missed none.
      ...(knnDims
        ? {
            paa: {
              type: 'dense_vector' as const,
              dims: knnDims,
              index: true,
              similarity: 'l2_norm' as const,
              index_options: { type: 'hnsw' as const },
            },
          }
        : {}),
    },
  };
}

/** Scratch for encodeFloats: one float32 copy and its bytes, reused for every shape. */
let floats = new Float32Array(64);
let floatBytes = Buffer.from(floats.buffer);

export function encodeFloats(v: ArrayLike<number>): string {
  if (floats.length < v.length) {
    floats = new Float32Array(v.length);
    floatBytes = Buffer.from(floats.buffer);
  }
  for (let i = 0; i < v.length; i++) floats[i] = v[i];
  return floatBytes.toString('base64', 0, v.length * 4);
}

export function decodeFloats(b64: string): Float32Array {
  const bytes = Buffer.from(b64, 'base64');
  // Copy to a fresh buffer: Buffer.from may return a slice of a shared pool at an unaligned offset.
  const out = new Float32Array(bytes.length / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** A number as JSON.stringify writes it (null when not finite). */
const num = (x: number): string => (Number.isFinite(x) ? String(x) : 'null');

/**
 * The ShapeDoc of `s` as JSON, written field by field: a quarter-million shapes through JSON.stringify
 * of a spread object cost this process more than building them.
 */
export function docJson(s: Shape, withPaa = false): string {
  const { mean, std, min, max, last } = s.stats;
  return (
    `{"name":${JSON.stringify(s.name)},"segments":${JSON.stringify(s.name.split('.'))},"window":${JSON.stringify(s.window)},` +
    `"flat":${s.flat},"mean":${num(mean)},"std":${num(std)},"min":${num(min)},"max":${num(max)},"last":${num(last)},` +
    `"start":${num(s.start)},"step":${num(s.step)},"z":"${encodeFloats(s.z)}","sax":${JSON.stringify(s.sax)},` +
    `"fingerprint":${JSON.stringify(s.fingerprint)}${withPaa ? `,"paa":[${Array.from(s.paa, num).join(',')}]` : ''}}`
  );
}

/**
 * Bulk request bodies (NDJSON) for an index, each about `maxBytes`, built as strings here so the client
 * does not serialise 250,000 objects a second time. `add` answers a body once one is full; `flush`
 * the rest (or null).
 */
export class BulkBodies {
  private lines: string[] = [];
  private size = 0;
  private readonly action: string;

  constructor(
    index: string,
    private readonly maxBytes: number,
    private readonly withPaa = false,
  ) {
    this.action = `{"index":{"_index":${JSON.stringify(index)},"_id":`;
  }

  add(s: Shape): string | null {
    const line = `${this.action}${JSON.stringify(s.name)}}}\n${docJson(s, this.withPaa)}\n`;
    this.lines.push(line);
    this.size += line.length;
    return this.size >= this.maxBytes ? this.flush() : null;
  }

  flush(): string | null {
    if (!this.lines.length) return null;
    const body = this.lines.join('');
    this.lines = [];
    this.size = 0;
    return body;
  }
}
