/**
 * The writer thread behind ThreadedWriter: the in-thread Writer (queue, bound, drop-oldest, in-order
 * flush, retries) on its own Redis connection, fed by columnar point batches. Totals go back to the
 * listeners' thread every REPORT_MS while they change, and before every pump or close reply, so what
 * it reports is never behind what it has acknowledged.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Logger } from '../core/log.js';
import { openWriterConnection } from '../core/store/writerConnection.js';
import { IngestCounters } from './counters.js';
import { Writer } from './writer.js';
import type { FromWriterThread, PointsMessage, ToWriterThread, WriterThreadData } from './writerMessages.js';

const REPORT_MS = 25;

const port = parentPort!;
const send = (m: FromWriterThread) => port.postMessage(m);
const { connection, options } = workerData as WriterThreadData;

// Logs go to the listeners' thread, so there is one logger and one log level.
const log: Logger = {
  debug: (msg, fields) => send({ t: 'log', level: 'debug', msg, fields }),
  info: (msg, fields) => send({ t: 'log', level: 'info', msg, fields }),
  warn: (msg, fields) => send({ t: 'log', level: 'warn', msg, fields }),
  error: (msg, fields) => send({ t: 'log', level: 'error', msg, fields }),
  child: () => log,
};

const store = openWriterConnection(connection);
const counters = new IngestCounters();
const writer = new Writer(store, counters, options, log);

const names: string[] = [];
/** The writer's id + 1 (0: not interned yet) per hand-over id, valid for writer generation `mappedGeneration`. */
let writerIds = new Int32Array(1024);
let mappedGeneration = writer.generation;
let taken = 0;
let reported = '';

function report(): void {
  const totals = {
    taken,
    depth: writer.depth,
    written: counters.written,
    dropped: counters.dropped,
    droppedBy: { ...counters.droppedBy },
    flushes: counters.flushes,
    flushFailures: counters.flushFailures,
    flushMsTotal: counters.flushMsTotal,
    flushMsMax: counters.flushMsMax,
    encodeMsTotal: counters.encodeMsTotal,
    lastWriteEpochMs: performance.timeOrigin + counters.lastWriteAt,
  };
  const key = `${taken} ${totals.depth} ${totals.written} ${totals.dropped} ${totals.flushFailures}`;
  if (key === reported) return;
  reported = key;
  counters.flushMsMax = 0;
  send({ t: 'totals', totals });
}

/** The writer's id for hand-over id `id`, interning its name on first use (or after the writer's table started over). */
function writerId(id: number): number {
  if (writer.generation !== mappedGeneration) {
    writerIds.fill(0);
    mappedGeneration = writer.generation;
  }
  const known = writerIds[id] - 1;
  if (known >= 0) return known;
  const own = writer.intern(names[id]);
  // Interning may have started the writer's table over: every other mapping is void, this one is new.
  if (writer.generation !== mappedGeneration) {
    writerIds.fill(0);
    mappedGeneration = writer.generation;
  }
  writerIds[id] = own + 1;
  return own;
}

function take(m: PointsMessage): void {
  if (m.reset) {
    names.length = 0;
    writerIds.fill(0);
  }
  for (const n of m.names) names.push(n);
  if (writerIds.length < names.length) {
    const grown = new Int32Array(Math.max(names.length, writerIds.length * 2));
    grown.set(writerIds);
    writerIds = grown;
  }
  let next = 0;
  for (let i = 0; i < m.n; i++) {
    const torus = next < m.torus.length && m.torus[next][0] === i ? m.torus[next++][1] : undefined;
    writer.addInterned(writerId(m.ids[i]), m.ts[i], m.values[i], torus);
  }
  taken += m.n;
}

setInterval(report, REPORT_MS);

port.on('message', (m: ToWriterThread) => {
  switch (m.t) {
    case 'points':
      take(m);
      break;
    case 'start':
      writer.start();
      break;
    case 'options':
      writer.setOptions(m.options);
      break;
    case 'forget':
      store.forget(m.names);
      break;
    case 'pump':
      void writer.pump().then(() => {
        report();
        send({ t: 'pumped', id: m.id });
      });
      break;
    case 'close':
      void writer.close(m.timeoutMs).then((left) => {
        report();
        send({ t: 'closed', left });
        // Whatever is left could not be written; the thread is about to be terminated.
        store.disconnect();
      });
      break;
  }
});
