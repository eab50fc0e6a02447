/** Oculus's figures: how old the shape index is, and how long searches take. */
import { Gauge, Histogram } from 'prom-client';
import { registry } from './registry.js';

let lastImportAt: number | undefined;

new Gauge({
  name: 'kale_oculus_import_age_seconds',
  help: 'Seconds since the last complete shape import in this process (NaN before the first)',
  registers: [registry],
  // NaN, not 0, before the first import: 0 would read as a fresh index.
  collect() {
    this.set(lastImportAt === undefined ? Number.NaN : Date.now() / 1000 - lastImportAt);
  },
});
const searchSeconds = new Histogram({
  name: 'kale_oculus_search_seconds',
  help: 'Duration of a similar-shape search',
  labelNames: ['kind'],
  registers: [registry],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});

export function observeImport(at = Date.now() / 1000): void {
  lastImportAt = at;
}

/** Times a search (`kind`: by metric name or by drawn values), whether it answers or fails. */
export async function timedSearch<T>(kind: 'similar' | 'values', search: Promise<T>): Promise<T> {
  const end = searchSeconds.startTimer({ kind });
  try {
    return await search;
  } finally {
    end();
  }
}
