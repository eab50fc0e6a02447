import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Reads a JSON file written by reference/generate.py; 'NaN' and '±Infinity' strings become numbers. */
export function loadReference<T>(file: string): T {
  const text = fs.readFileSync(path.join(here, 'reference', file), 'utf8');
  return JSON.parse(text, (_k, v) =>
    v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v,
  ) as T;
}

export const f64 = (a: number[]) => Float64Array.from(a);
