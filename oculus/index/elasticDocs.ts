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
}

/** What a search process reads back of each document (see elasticTable.ts). */
export const TABLE_FIELDS = ['name', 'flat', 'mean', 'std', 'min', 'max', 'last', 'start', 'z'] as const;
export type TableDoc = Pick<ShapeDoc, (typeof TABLE_FIELDS)[number]>;

export function shapeMapping() {
  return {
    dynamic: 'strict' as const,
    properties: {
      name: { type: 'keyword' as const },
      segments: { type: 'keyword' as const },
      window: { type: 'keyword' as const },
      flat: { type: 'boolean' as const },
      mean: { type: 'double' as const, index: false, doc_values: false },
      std: { type: 'double' as const, index: false, doc_values: false },
      min: { type: 'double' as const, index: false, doc_values: false },
      max: { type: 'double' as const, index: false, doc_values: false },
      last: { type: 'double' as const, index: false, doc_values: false },
      start: { type: 'double' as const, index: false, doc_values: false },
      step: { type: 'integer' as const, index: false, doc_values: false },
      z: { type: 'binary' as const },
      sax: { type: 'keyword' as const },
      // The standard analyzer is built in (the test zip lacks analysis-common): whitespace-split tokens.
      fingerprint: { type: 'text' as const },
    },
  };
}

export function encodeFloats(v: ArrayLike<number>): string {
  return Buffer.from(Float32Array.from(v).buffer).toString('base64');
}

export function decodeFloats(b64: string): Float32Array {
  const bytes = Buffer.from(b64, 'base64');
  // Copy to a fresh buffer: Buffer.from may return a slice of a shared pool at an unaligned offset.
  const out = new Float32Array(bytes.length / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

export function toDoc(s: Shape): ShapeDoc {
  return {
    name: s.name,
    segments: s.name.split('.'),
    window: s.window,
    flat: s.flat,
    ...s.stats,
    start: s.start,
    step: s.step,
    z: encodeFloats(s.z),
    sax: s.sax,
    fingerprint: s.fingerprint,
  };
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

  constructor(index: string, private readonly maxBytes: number) {
    this.action = `{"index":{"_index":${JSON.stringify(index)},"_id":`;
  }

  add(s: Shape): string | null {
    const line = `${this.action}${JSON.stringify(s.name)}}}\n${JSON.stringify(toDoc(s))}\n`;
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
