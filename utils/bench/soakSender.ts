/**
 * The soak's sender, on a worker thread of the bench (not of Kale): msgpack datagrams of 50 points
 * (`[name, [ts, value]]`, utils/senders' encoder) at a steady rate, 10 ms ticks, as a fleet of agents
 * would send them. Datagrams are encoded once a second for every metric (the second's timestamp, a
 * slow wave per metric), then sent round-robin, so sending costs the box little beside Kale. Every
 * value is a non-integer float64: each stored point is exactly 15 bytes, and the bench counts what
 * Redis holds by key length.
 */
import dgram from 'node:dgram';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { threadEntry } from '../../core/threadEntry.js';
import { encodeMsgpack } from '../senders/msgpack.js';

export interface SoakSendJob {
  readonly port: number;
  readonly rate: number;
  readonly seconds: number;
  readonly names: readonly string[];
}

export type FromSoakSender =
  | { readonly t: 'sent'; readonly sent: number }
  | { readonly t: 'done'; readonly sent: number };

const POINTS_PER_DATAGRAM = 50;
const TICK_MS = 10;

/** Metric number `index`'s value at second `ts`: a slow wave, never an integer (an integer would be stored in fewer than 9 bytes). */
export function soakValue(index: number, ts: number): number {
  const phase = index % 97;
  const value = 100 + 10 * Math.sin((ts + phase * 7) / 300) + ((ts * 31 + index) % 13) / 10;
  return Math.round(value * 1000) / 1000 + 0.0005;
}

/** Every metric's point for second `ts`, in datagrams of 50. */
function encodeSecond(names: readonly string[], ts: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < names.length; i += POINTS_PER_DATAGRAM) {
    const points = names
      .slice(i, i + POINTS_PER_DATAGRAM)
      .map((name, k) => ({ name, ts, value: soakValue(i + k, ts) }));
    out.push(encodeMsgpack(points));
  }
  return out;
}

async function send(job: SoakSendJob): Promise<number> {
  const socket = dgram.createSocket('udp4');
  const perTick = (job.rate / POINTS_PER_DATAGRAM) * (TICK_MS / 1000);
  const started = performance.now();
  const end = started + job.seconds * 1000;
  let second = -1;
  let datagrams: Buffer[] = [];
  let next = 0;
  let owed = 0;
  let sent = 0;
  let reported = started;
  for (let tick = 1; performance.now() < end; tick++) {
    const ts = Math.floor(Date.now() / 1000);
    if (ts !== second) {
      second = ts;
      datagrams = encodeSecond(job.names, ts);
    }
    owed += perTick;
    for (; owed >= 1; owed--) {
      const buf = datagrams[next++ % datagrams.length];
      await new Promise<void>((resolve) => socket.send(buf, job.port, '127.0.0.1', () => resolve()));
      sent += POINTS_PER_DATAGRAM;
    }
    if (performance.now() - reported >= 1000) {
      reported = performance.now();
      parentPort!.postMessage({ t: 'sent', sent } satisfies FromSoakSender);
    }
    // Numbered ticks: a late tick is caught up by the next, so the rate holds on a busy box.
    const wait = started + tick * TICK_MS - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return sent;
}

if (!isMainThread && (workerData as { soakSend?: SoakSendJob } | undefined)?.soakSend) {
  void send((workerData as { soakSend: SoakSendJob }).soakSend).then((sent) =>
    parentPort!.postMessage({ t: 'done', sent } satisfies FromSoakSender),
  );
}

/** Sends `job` from a worker thread; `onSent` hears the running count about once a second. */
export function sendSoak(job: SoakSendJob, onSent: (sent: number) => void): Promise<number> {
  const worker = new Worker(threadEntry('soakSender', import.meta.url), { workerData: { soakSend: job } });
  return new Promise((resolve, reject) => {
    worker.on('message', (m: FromSoakSender) => {
      onSent(m.sent);
      if (m.t === 'done') void worker.terminate().then(() => resolve(m.sent));
    });
    worker.once('error', reject);
  });
}
