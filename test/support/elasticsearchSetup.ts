import type { TestProject } from 'vitest/node';
import {
  elasticsearchMissing,
  ES_VERSION,
  startElasticsearch,
  type ElasticsearchServer,
} from '../../utils/elasticsearch.js';

declare module 'vitest' {
  export interface ProvidedContext {
    elasticsearchUrl: string | null;
  }
}

let server: ElasticsearchServer | undefined;

/**
 * Test files that talk to Elasticsearch live under these paths; a run filtered to others skips the
 * start, and so does one filtered to the cluster suites, which start their own nodes.
 */
const NEEDS_ES = /oculus|elastic/i;
const OWN_CLUSTER = /oculus\/cluster/i;

/**
 * One real Elasticsearch (the integ-test zip, see utils/elasticsearch.ts) per test run, on an
 * ephemeral loopback port. It takes about a minute to boot on a busy two-core box, so a run filtered
 * to test files that cannot use it (e.g. `vitest run test/horizon`) does not start it. In CI a
 * missing or failing Elasticsearch fails the run; elsewhere the Elasticsearch suites skip, loudly.
 */
export async function setup(project: TestProject) {
  const filters = process.argv
    .slice(2)
    .filter((a) => !a.startsWith('-') && a !== 'run' && !a.endsWith('vitest') && !a.endsWith('vitest.mjs'));
  if (filters.length > 0 && !filters.some((f) => NEEDS_ES.test(f) && !OWN_CLUSTER.test(f))) {
    project.provide('elasticsearchUrl', null);
    return;
  }
  const missing = elasticsearchMissing();
  try {
    if (missing) throw new Error(`Elasticsearch ${ES_VERSION} ${missing}`);
    server = await startElasticsearch();
    project.provide('elasticsearchUrl', server.url);
  } catch (err) {
    if (process.env.CI) throw err;
    process.stderr.write(
      `\n*** WARNING: ${(err as Error).message}: Elasticsearch tests are SKIPPED (scripts/install-elasticsearch.sh) ***\n\n`,
    );
    project.provide('elasticsearchUrl', null);
  }
}

export async function teardown() {
  await server?.stop();
}
