import { inject } from 'vitest';

/** The run's Elasticsearch URL, or null when unavailable outside CI (suites then skip, loudly). */
export const elasticsearchUrl = inject('elasticsearchUrl');

let next = 0;

/** An index/alias prefix no other test file uses, so files can share the run's server. */
export function freshIndexPrefix(): string {
  return `kale-test-${process.pid}-${Date.now().toString(36)}-${next++}`;
}
