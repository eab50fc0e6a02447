import { inject } from 'vitest';
import { elasticsearchMissing } from '../../utils/elasticsearch.js';

/** The run's Elasticsearch URL, or null when unavailable outside CI (suites then skip, loudly). */
export const elasticsearchUrl = inject('elasticsearchUrl');

let next = 0;

/** An index/alias prefix no other test file uses, so files can share the run's server. */
export function freshIndexPrefix(): string {
  return `kale-test-${process.pid}-${Date.now().toString(36)}-${next++}`;
}

/**
 * Why the suites that start their own cluster (utils/elasticsearch.ts) cannot run here, or null. In CI
 * always null: a missing Elasticsearch fails them instead of skipping.
 */
export const clusterUnavailable: string | null = process.env.CI ? null : elasticsearchMissing();
if (clusterUnavailable)
  process.stderr.write(`*** Elasticsearch ${clusterUnavailable}: the cluster suites are SKIPPED ***\n`);
