/**
 * The writer thread behind ThreadedWriter: the write queue (bound, drop-oldest, in-order flush,
 * retries) on its own Redis connection, fed by columnar point batches whose ids index a copy of the
 * listeners' NameTable strings. Totals go back to the listeners' thread every REPORT_MS while they
 * change, and before every pump or close reply, so what it reports is never behind what it has
 * acknowledged.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Logger } from '../core/log.js';
import { openWriterConnection } from '../core/store/writerConnection.js';
import { IngestCounters } from './counters.js';
import { WriteQueue } from './writeQueue.js';
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
const writer = new WriteQueue(store, counters, options, log);

/** The listeners' table's names by id; a new array when it starts over (queued points keep the old one). */
let names: string[] = [];
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

function take(m: PointsMessage): void {
  if (m.reset) names = [];
  for (const n of m.names) names.push(n);
  let next = 0;
  for (let i = 0; i < m.n; i++) {
    const torus = next < m.torus.length && m.torus[next][0] === i ? m.torus[next++][1] : undefined;
    writer.enqueue(names, m.ids[i], m.ts[i], m.values[i], torus);
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
