import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../utils/redisServer.js';

export interface CarbonRelay {
  /** Its plaintext receiver, where senders write `name value ts` lines. */
  readonly linePort: number;
  /** SIGTERM, then waits for the exit (carbon-relay flushes its queues to the destinations first). */
  stop(): Promise<void>;
}

const canConnect = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

/**
 * Debian graphite-carbon's carbon-relay on loopback, relaying with consistent hashing over
 * `destinations` (pickle ports) in the pickle protocol: how a site spreads one stream over several
 * horizons. Resolves once its line receiver accepts connections.
 */
export async function startCarbonRelay(destinations: ReadonlyArray<number>): Promise<CarbonRelay> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-carbon-relay-'));
  const [linePort, picklePort] = [await freePort(), await freePort()];
  fs.mkdirSync(path.join(dir, 'storage'));
  fs.writeFileSync(path.join(dir, 'storage-schemas.conf'), '[default]\npattern = .*\nretentions = 60s:1d\n');
  // Instance names (`:a`, `:b`) place each destination on the hash ring independently of its port.
  const instances = destinations.map((port, i) => `127.0.0.1:${port}:${String.fromCharCode(97 + i)}`);
  fs.writeFileSync(
    path.join(dir, 'carbon.conf'),
    `[cache]
STORAGE_DIR = ${dir}/storage
LOCAL_DATA_DIR = ${dir}/storage/whisper
CONF_DIR = ${dir}
LOG_DIR = ${dir}
PID_DIR = ${dir}

[relay]
LINE_RECEIVER_INTERFACE = 127.0.0.1
LINE_RECEIVER_PORT = ${linePort}
PICKLE_RECEIVER_INTERFACE = 127.0.0.1
PICKLE_RECEIVER_PORT = ${picklePort}
RELAY_METHOD = consistent-hashing
REPLICATION_FACTOR = 1
DESTINATIONS = ${instances.join(', ')}
DESTINATION_PROTOCOL = pickle
MAX_QUEUE_SIZE = 100000
USE_FLOW_CONTROL = False
`,
  );
  const child = spawn(
    'carbon-relay',
    [`--config=${dir}/carbon.conf`, `--pidfile=${dir}/relay.pid`, `--logdir=${dir}`, '--nodaemon', 'start'],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  while (!(await canConnect(linePort))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`carbon-relay did not open its line receiver on port ${linePort} within 30 s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { linePort, stop };
}
