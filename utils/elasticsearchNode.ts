import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface NodeLaunch {
  /** The distribution (read-only to the server's user). */
  readonly home: string;
  readonly user: string;
  readonly javaHome: string;
  readonly heap: string;
  readonly httpPort: number;
  readonly transportPort: number;
  /** `-E` settings beyond the ports, paths and the ones every test node shares. */
  readonly settings: readonly string[];
}

/**
 * One Elasticsearch process from the integ-test zip, run as the unprivileged user (it refuses root)
 * via runuser, in its own process group so a kill reaches the server JVM behind the launcher. Config,
 * data and logs live in one temporary folder that outlives a kill, so `restart` brings the same node
 * (same name, ports, data) back, as a crashed node would be brought back.
 */
export class ElasticsearchNode {
  readonly url: string;
  private readonly dir: string;
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private stderr = '';

  constructor(private readonly launch: NodeLaunch) {
    this.url = `http://127.0.0.1:${launch.httpPort}`;
    this.dir = prepareDir(launch.home, launch.user);
  }

  get port(): number {
    return this.launch.httpPort;
  }

  get running(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the process; `waitUntilAnswering` says when it serves. */
  start(): void {
    if (this.running) return;
    const { home, user, javaHome, heap, httpPort, transportPort, settings } = this.launch;
    const dir = this.dir;
    const child = spawn(
      'runuser',
      [
        '-u',
        user,
        '--',
        path.join(home, 'bin', 'elasticsearch'),
        '-Enetwork.host=127.0.0.1',
        `-Ehttp.port=${httpPort}`,
        `-Etransport.port=${transportPort}`,
        '-Expack.security.enabled=false',
        `-Epath.data=${dir}/data`,
        `-Epath.logs=${dir}/logs`,
        '-Ecluster.routing.allocation.disk.threshold_enabled=false',
        ...settings.map((s) => `-E${s}`),
      ],
      {
        env: {
          ...process.env,
          ES_JAVA_HOME: javaHome,
          JAVA_HOME: undefined,
          ES_PATH_CONF: path.join(dir, 'config'),
          ES_TMPDIR: path.join(dir, 'tmp'),
          ES_JAVA_OPTS: `-Xms${heap} -Xmx${heap}`,
        },
        cwd: dir,
        stdio: ['ignore', 'ignore', 'pipe'],
        detached: true,
      },
    );
    this.stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      this.stderr = (this.stderr + d.toString()).slice(0, 4000);
    });
    this.exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.child = child;
  }

  /**
   * Polls `healthPath` (a `_cluster/health?…` query) until it answers 200; throws with the node's own
   * reasons when it exits first, or after `timeoutMs`.
   */
  async waitUntilAnswering(healthPath: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running)
        throw new Error(
          `Elasticsearch exited with code ${this.child?.exitCode} before answering: ${this.reasons()}`,
        );
      try {
        const res = await fetch(`${this.url}${healthPath}`, { signal: AbortSignal.timeout(5000) });
        await res.arrayBuffer();
        if (res.ok) return;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline)
        throw new Error(
          `Elasticsearch did not answer ${healthPath} on ${this.url} within ${timeoutMs / 1000} s`,
        );
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  /** kill -9 of the whole process group: a crash, data kept for `restart`. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  async restart(healthPath: string, timeoutMs: number): Promise<void> {
    this.start();
    await this.waitUntilAnswering(healthPath, timeoutMs);
  }

  /** SIGTERM (SIGKILL after 15 s), then the node's folder is removed. */
  async stop(): Promise<void> {
    if (this.running) {
      const killTimer = setTimeout(() => void this.signal('SIGKILL'), 15_000);
      await this.signal('SIGTERM');
      clearTimeout(killTimer);
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private async signal(sig: NodeJS.Signals): Promise<void> {
    if (!this.running) return;
    try {
      process.kill(-this.child!.pid!, sig);
    } catch {
      /* already gone */
    }
    await this.exited;
  }

  /** The process's stderr and the last errors of its log, one line. */
  private reasons(): string {
    // The server's log is named after its cluster (`elasticsearch.log` by default), beside gc.log.
    const logs = path.join(this.dir, 'logs');
    const log = fs.existsSync(logs)
      ? fs.readdirSync(logs).find((f) => f.endsWith('.log') && !f.startsWith('gc'))
      : undefined;
    const fromLog = log
      ? fs
          .readFileSync(path.join(logs, log), 'utf8')
          .split('\n')
          .filter((l) => /ERROR|Exception:/.test(l))
          .slice(-3)
      : [];
    return `${this.stderr}${fromLog.join(' | ')}`
      .trim()
      .split('\n')
      .filter((l) => !/^\s+at /.test(l))
      .slice(0, 6)
      .join(' | ');
  }
}

/** A fresh folder with a copy of the config, and data, logs and tmp the server's user can write. */
function prepareDir(home: string, user: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-es-'));
  const conf = path.join(dir, 'config');
  fs.cpSync(path.join(home, 'config'), conf, { recursive: true });
  for (const d of ['data', 'logs', 'tmp']) fs.mkdirSync(path.join(dir, d));
  // jvm.options points GC logs, heap dumps and crash files at paths relative to the distribution
  // (read-only to the server's user); point them at this node's folder.
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
  spawnSync('chown', ['-R', `${user}:`, dir]);
  return dir;
}
