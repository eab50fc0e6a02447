/**
 * A remote_write decoding thread (decodePool.ts): Snappy and protobuf to columns, off the listener's
 * thread. Counter kinds come as metadata the pool forwards from every thread's bodies.
 */
import { parentPort } from 'node:worker_threads';
import { columnBuffers, ColumnsDecoder } from './columns.js';
import { CounterKinds } from './counterRate.js';
import { decodeBody, RemoteWriteError } from './decode.js';
import type { DecodeReply, ToDecodeThread } from './decodePool.js';

const kinds = new CounterKinds();
const decoder = new ColumnsDecoder(kinds);

parentPort!.on('message', (m: ToDecodeThread) => {
  if (m.kind === 'metadata') return kinds.learn(m.metadata);
  let reply: DecodeReply;
  try {
    const columns = decodeBody(m.body, m.maxDecodedBytes, decoder, m.template, m.rateCounters);
    parentPort!.postMessage({ id: m.id, ok: true, columns } satisfies DecodeReply, columnBuffers(columns));
    return;
  } catch (err) {
    reply =
      err instanceof RemoteWriteError
        ? { id: m.id, ok: false, status: err.status, message: err.message }
        : { id: m.id, ok: false, status: 500, message: `internal error: ${(err as Error).message}` };
  }
  parentPort!.postMessage(reply);
});
