import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ElasticsearchNode } from './elasticsearchNode.js';
import { freePort } from './redisServer.js';

/** Pinned to the major of @elastic/elasticsearch in package.json; scripts/install-elasticsearch.sh fetches it. */
export const ES_VERSION = process.env.KALE_ES_VERSION ?? '8.19.2';
export const ES_USER = process.env.KALE_ES_USER ?? 'kale-es';
const JAVA_HOME = '/usr/lib/jvm/java-17-openjdk-amd64';
/** The project root: the nearest folder above this file (src or dist/) with a package.json. */
const ROOT = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
})();
const INSTALL_SCRIPT = path.join(ROOT, 'scripts', 'install-elasticsearch.sh');

export function esHome(): string {
  return path.join(ROOT, '.cache', 'elasticsearch', `elasticsearch-${ES_VERSION}`);
}

export interface ElasticsearchServer {
  readonly url: string;
  readonly port: number;
  /** Stops the server and removes its data. */
  stop(): Promise<void>;
}

/** Why Elasticsearch cannot start here, or null when it can (installed, a user to run as, Java 17). */
export function elasticsearchMissing(): string | null {
  if (!fs.existsSync(path.join(esHome(), 'bin', 'elasticsearch')))
    return `not installed: run ${path.relative(process.cwd(), INSTALL_SCRIPT)}`;
  if (!fs.existsSync(path.join(JAVA_HOME, 'bin', 'java'))) return `no Java 17 at ${JAVA_HOME}`;
  if (spawnSync('id', ['-u', ES_USER]).status !== 0)
    return `no user ${ES_USER}: run ${path.relative(process.cwd(), INSTALL_SCRIPT)}`;
  return null;
}

const HEALTH_TIMEOUT_MS = 180_000;

/** Settings for one node launched for tests and benchmarks, the ports chosen here. */
async function nodeLaunch(heap: string, settings: string[], ports?: { http: number; transport: number }) {
  return {
    home: esHome(),
    user: ES_USER,
    javaHome: JAVA_HOME,
    heap,
    httpPort: ports?.http ?? (await freePort()),
    transportPort: ports?.transport ?? (await freePort()),
    settings,
  };
}

/** Starts the nodes and waits for `healthPath`; on any failure every node is stopped before throwing. */
async function startAll(nodes: ElasticsearchNode[], healthPath: string, timeoutMs: number): Promise<void> {
  try {
    for (const n of nodes) n.start();
    await Promise.all(nodes.map((n) => n.waitUntilAnswering(healthPath, timeoutMs)));
  } catch (err) {
    await Promise.all(nodes.map((n) => n.stop()));
    throw err;
  }
}

/**
 * A port chosen free can be taken before the JVM binds it, seconds later (by another test's server, or
 * as the local end of any outgoing connection): such a start is tried again on new ports.
 */
const ATTEMPTS = 3;
const PORT_TAKEN = /BindException|Address already in use/;

async function onFreshPorts<T>(start: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      if (attempt >= ATTEMPTS || !PORT_TAKEN.test((err as Error).message)) throw err;
    }
  }
}

/**
 * Starts a single-node Elasticsearch from the integ-test zip for tests and benchmarks: as the
 * unprivileged user (it refuses root), on an ephemeral loopback port, security off, small heap,
 * with config, data and logs in a fresh temporary directory. Resolves when it answers.
 */
export async function startElasticsearch(
  opts: { heap?: string; timeoutMs?: number } = {},
): Promise<ElasticsearchServer> {
  const missing = elasticsearchMissing();
  if (missing) throw new Error(`Elasticsearch ${ES_VERSION} ${missing}`);
  return onFreshPorts(async () => {
    const node = new ElasticsearchNode(await nodeLaunch(opts.heap ?? '512m', ['discovery.type=single-node']));
    await startAll(
      [node],
      '/_cluster/health?wait_for_status=yellow&timeout=1s',
      opts.timeoutMs ?? HEALTH_TIMEOUT_MS,
    );
    return { url: node.url, port: node.port, stop: () => node.stop() };
  });
}

export interface ElasticsearchCluster {
  readonly urls: string[];
  readonly nodes: ElasticsearchNode[];
  /** Starts a killed node again on its ports and data; resolves once it is back in and all is green. */
  restartNode(i: number, timeoutMs?: number): Promise<void>;
  /** Stops every node and removes their data. */
  stop(): Promise<void>;
}

/**
 * Starts an Elasticsearch cluster of `nodes` (default 3) on loopback, for the failover tests and
 * benchmarks: each node its own HTTP and transport port and folder, all master-eligible data nodes
 * seeded with each other's transport ports, a cluster name of their own so two runs never join.
 * Resolves when all nodes have joined (green).
 */
export async function startElasticsearchCluster(
  opts: { nodes?: number; heap?: string; timeoutMs?: number } = {},
): Promise<ElasticsearchCluster> {
  const missing = elasticsearchMissing();
  if (missing) throw new Error(`Elasticsearch ${ES_VERSION} ${missing}`);
  return onFreshPorts(() => startCluster(opts.nodes ?? 3, opts.heap ?? '512m', opts.timeoutMs));
}

async function startCluster(count: number, heap: string, timeout?: number): Promise<ElasticsearchCluster> {
  const ports: Array<{ http: number; transport: number }> = [];
  for (let i = 0; i < count; i++) ports.push({ http: await freePort(), transport: await freePort() });
  const cluster = `kale-test-${process.pid}-${Date.now().toString(36)}`;
  const names = ports.map((_, i) => `${cluster}-${i}`);
  const shared = [
    `cluster.name=${cluster}`,
    `discovery.seed_hosts=${ports.map((p) => `127.0.0.1:${p.transport}`).join(',')}`,
    `cluster.initial_master_nodes=${names.join(',')}`,
  ];
  const nodes = await Promise.all(
    ports.map(
      async (p, i) => new ElasticsearchNode(await nodeLaunch(heap, [...shared, `node.name=${names[i]}`], p)),
    ),
  );
  const green = `/_cluster/health?wait_for_nodes=${count}&wait_for_status=green&timeout=1s`;
  const timeoutMs = timeout ?? HEALTH_TIMEOUT_MS;
  await startAll(nodes, green, timeoutMs);
  return {
    urls: nodes.map((n) => n.url),
    nodes,
    restartNode: (i, ms = timeoutMs) => nodes[i].restart(green, ms),
    stop: async () => {
      await Promise.all(nodes.map((n) => n.stop()));
    },
  };
}
