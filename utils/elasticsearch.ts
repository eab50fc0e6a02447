import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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

/**
 * Starts a single-node Elasticsearch from the integ-test zip for tests and benchmarks: as the
 * unprivileged user (it refuses root) via runuser, on an ephemeral loopback port, security off,
 * small heap, with config, data and logs in a fresh temporary directory. Resolves when it answers.
 */
export async function startElasticsearch(
  opts: { heap?: string; timeoutMs?: number } = {},
): Promise<ElasticsearchServer> {
  const missing = elasticsearchMissing();
  if (missing) throw new Error(`Elasticsearch ${ES_VERSION} ${missing}`);
  const home = esHome();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-es-'));
  const conf = path.join(dir, 'config');
  fs.cpSync(path.join(home, 'config'), conf, { recursive: true });
  for (const d of ['data', 'logs', 'tmp']) fs.mkdirSync(path.join(dir, d));
  // jvm.options points GC logs, heap dumps and crash files at paths relative to the distribution
  // (read-only to the server's user); point them at this run's folder.
  const jvmOptions = path.join(conf, 'jvm.options');
  fs.writeFileSync(
    jvmOptions,
    fs
      .readFileSync(jvmOptions, 'utf8')
      .replaceAll('file=logs/', `file=${dir}/logs/`)
      .replaceAll('ErrorFile=logs/', `ErrorFile=${dir}/logs/`)
      .replaceAll('HeapDumpPath=data', `HeapDumpPath=${dir}/data`),
  );
  fs.chmodSync(dir, 0o755);
  spawnSync('chown', ['-R', `${ES_USER}:`, dir]);
  const [port, transport] = [await freePort(), await freePort()];
  const heap = opts.heap ?? '512m';
  const child: ChildProcess = spawn(
    'runuser',
    [
      '-u',
      ES_USER,
      '--',
      path.join(home, 'bin', 'elasticsearch'),
      '-Ediscovery.type=single-node',
      '-Enetwork.host=127.0.0.1',
      `-Ehttp.port=${port}`,
      `-Etransport.port=${transport}`,
      '-Expack.security.enabled=false',
      `-Epath.data=${dir}/data`,
      `-Epath.logs=${dir}/logs`,
      '-Ecluster.routing.allocation.disk.threshold_enabled=false',
    ],
    {
      env: {
        ...process.env,
        ES_JAVA_HOME: JAVA_HOME,
        JAVA_HOME: undefined,
        ES_PATH_CONF: conf,
        ES_TMPDIR: path.join(dir, 'tmp'),
        ES_JAVA_OPTS: `-Xms${heap} -Xmx${heap}`,
      },
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(0, 4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid!, 'SIGTERM');
      } catch {
        /* already gone */
      }
      const killTimer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          /* gone */
        }
      }, 15_000);
      await exited;
      clearTimeout(killTimer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.timeoutMs ?? 180_000);
  for (;;) {
    if (child.exitCode !== null) {
      const log = path.join(dir, 'logs', 'elasticsearch.log');
      const reasons = fs.existsSync(log)
        ? fs
            .readFileSync(log, 'utf8')
            .split('\n')
            .filter((l) => /ERROR|Exception:/.test(l))
            .slice(-3)
        : [];
      stderr += reasons.join(' | ');
      await stop();
      throw new Error(
        `Elasticsearch exited with code ${child.exitCode} before answering: ${stderr
          .trim()
          .split('\n')
          .filter((l) => !/^\s+at /.test(l))
          .slice(0, 6)
          .join(' | ')}`,
      );
    }
    try {
      const res = await fetch(`${url}/_cluster/health?wait_for_status=yellow&timeout=1s`);
      if (res.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `Elasticsearch did not answer on ${url} within ${(opts.timeoutMs ?? 180_000) / 1000} s`,
      );
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  return { url, port, stop };
}
