/**
 * Prometheus remote_write 1.0 (`POST /api/v1/write`, a Snappy-compressed protobuf WriteRequest) on its
 * own HTTP listener. 204 once every sample has been through Ingest (valid ones queued for the writer,
 * bad ones counted by reason); 400 naming what is wrong with a body; 413 over a size bound; 503 with
 * Retry-After while the writer is behind, because Prometheus retries a 5xx (keeping the samples in its
 * WAL) while 2.x drops a batch answered 429 unless told `retry_on_http_429`. Bodies are decoded on
 * their own threads (decodePool.ts); this thread parses HTTP and hands the samples to Ingest.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Port } from '../../core/config/schema.js';
import { bindError } from '../../core/listen.js';
import { remoteWriteRequests, remoteWriteSamples } from '../../core/metrics/horizonMetrics.js';
import { RemoteWriteError } from '../remoteWrite/decode.js';
import { DecodePool, DecodeThreadLost } from '../remoteWrite/decodePool.js';
import { deliverColumns, type DeliverOptions } from '../remoteWrite/deliver.js';
import type { Sink } from '../sink.js';
import type { TcpListener } from './tcp.js';

export const REMOTE_WRITE_PATH = '/api/v1/write';

export interface RemoteWriteLimits {
  /** Largest body accepted as sent (compressed). */
  readonly maxBodyBytes: number;
  /** Largest body once decompressed. */
  readonly maxDecodedBytes: number;
  readonly maxConnections: number;
}

/** Asked before reading each body: a reason to refuse it for now, with the seconds to wait, or null. */
export type Pressure = () => { reason: string; retryAfter: number } | null;

/** Seconds a sender whose body was in a decoding thread that died is asked to wait before sending it again. */
const RETRY_DECODE_LOST_S = 1;

/** The body's bytes in an ArrayBuffer of their own, to hand to a decoding thread without copying. */
function joined(chunks: readonly Buffer[], size: number): Uint8Array {
  const body = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    body.set(c, at);
    at += c.length;
  }
  return body;
}

/** A request may take this long from its first byte to its last before its connection is closed. */
const REQUEST_TIMEOUT_MS = 60_000;
/**
 * Idle keep-alive connections stay open this long: longer than a sender's own idle timeout, so the
 * sender closes first and never writes a request into a connection the server is closing.
 */
const KEEP_ALIVE_MS = 120_000;

export function listenRemoteWrite(
  host: string,
  port: number,
  sink: Sink,
  limits: () => RemoteWriteLimits,
  deliver: () => DeliverOptions,
  pressure: Pressure,
): Promise<TcpListener> {
  const pool = new DecodePool();
  const server = http.createServer((req, res) => {
    const peer = `${req.socket.remoteAddress}:${req.socket.remotePort}`;
    const answer = (status: number, text?: string, headers: Record<string, string> = {}) => {
      // A body left unread would be parsed as the next request: close the connection instead.
      if (!req.complete) headers.Connection = 'close';
      remoteWriteRequests.inc({ code: String(status) });
      res.writeHead(
        status,
        text === undefined ? headers : { 'Content-Type': 'text/plain; charset=utf-8', ...headers },
      );
      res.end(text === undefined ? undefined : `${text}\n`);
    };
    if (req.url?.split('?')[0] !== REMOTE_WRITE_PATH)
      return answer(404, `not found: remote_write is POST ${REMOTE_WRITE_PATH}`);
    if (req.method !== 'POST')
      return answer(405, `${req.method} not allowed: remote_write is POST ${REMOTE_WRITE_PATH}`, {
        Allow: 'POST',
      });
    const encoding = req.headers['content-encoding'];
    if (encoding !== undefined && encoding.toLowerCase() !== 'snappy')
      return answer(400, `Content-Encoding ${encoding} is not supported: remote_write 1.0 bodies are snappy`);
    const { maxBodyBytes, maxDecodedBytes } = limits();
    const tooLarge = () => {
      sink.reject(
        'oversized',
        peer,
        `remote_write body over horizon.remoteWrite.maxBodyBytes (${maxBodyBytes})`,
      );
      answer(413, `body is over ${maxBodyBytes} bytes (horizon.remoteWrite.maxBodyBytes)`);
    };
    if (Number(req.headers['content-length'] ?? 0) > maxBodyBytes) return tooLarge();
    const behind = pressure();
    if (behind) return answer(503, behind.reason, { 'Retry-After': String(behind.retryAfter) });

    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        req.removeAllListeners('data');
        req.removeAllListeners('end');
        tooLarge();
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      const opts = deliver();
      pool
        .decode({
          body: joined(chunks, size),
          maxDecodedBytes,
          template: opts.template,
          rateCounters: opts.rates !== undefined,
        })
        .then((columns) => {
          if (columns.metadata.length) pool.learn(columns.metadata);
          remoteWriteSamples.inc(columns.samples);
          deliverColumns(columns, sink, peer, opts.rates);
          answer(204);
        })
        // Decoding's refusals, and anything thrown while delivering (a 500, as before, never a crash).
        .catch((err: Error) => {
          if (err instanceof DecodeThreadLost)
            return answer(503, `${err.message}: retry`, { 'Retry-After': String(RETRY_DECODE_LOST_S) });
          if (!(err instanceof RemoteWriteError)) return answer(500, `internal error: ${err.message}`);
          sink.reject(err.status === 413 ? 'oversized' : 'undecodable', peer, err.message);
          answer(err.status, err.message);
        });
    });
  });
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.maxConnections = limits().maxConnections;
  server.on('drop', (d) =>
    sink.reject(
      'overload',
      `${d?.remoteAddress}:${d?.remotePort}`,
      `connection refused: ${limits().maxConnections} already open on --remote-write-port (horizon.maxConnections)`,
    ),
  );
  server.on('clientError', (_err, socket) => socket.destroy());
  return new Promise((resolve, reject) => {
    server.once('error', (err) => {
      void pool.close();
      reject(bindError(err as NodeJS.ErrnoException, port as Port, '--remote-write-port'));
    });
    server.listen(port, host, () => {
      server.on('error', () => {});
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }).then(() => pool.close()),
      });
    });
  });
}
