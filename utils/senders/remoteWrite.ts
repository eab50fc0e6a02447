/**
 * A Prometheus remote_write 1.0 client's half: a WriteRequest as Prometheus sends it (protobuf, then
 * Snappy's block format, with its headers), for the tests and `kale bench ingest --proto remote-write`.
 */
import http from 'node:http';
import { compressSync } from 'snappy';
import { WriteRequest, type PromLabel } from '../../horizon/remoteWrite/protoSchema.js';

export interface SeriesToSend {
  readonly labels: Readonly<Record<string, string>>;
  /** [milliseconds, value] */
  readonly samples: ReadonlyArray<readonly [number, number]>;
}

export interface MetadataToSend {
  readonly type: number;
  readonly metricFamilyName: string;
}

export const REMOTE_WRITE_HEADERS = {
  'Content-Type': 'application/x-protobuf',
  'Content-Encoding': 'snappy',
  'X-Prometheus-Remote-Write-Version': '0.1.0',
} as const;

export function encodeWriteRequest(
  series: readonly SeriesToSend[],
  metadata: readonly MetadataToSend[] = [],
): Buffer {
  const message = WriteRequest.fromObject({
    timeseries: series.map((s) => ({
      labels: Object.entries(s.labels).map(([name, value]): PromLabel => ({ name, value })),
      samples: s.samples.map(([timestamp, value]) => ({ timestamp, value })),
    })),
    metadata,
  });
  return compressSync(Buffer.from(WriteRequest.encode(message).finish()));
}

/** Requests in flight at once: Prometheus's queue manager sends from parallel shards (up to max_shards, 200 by default) as load grows. */
const IN_FLIGHT = 16;

/**
 * Posts bodies to `POST /api/v1/write` on keep-alive connections, up to IN_FLIGHT at once, retrying a
 * 503 after its Retry-After as Prometheus does. `send` resolves once the body is on its way (or waits
 * while IN_FLIGHT are); `finish` once every body has been answered 204. Any other answer is an error.
 */
export function remoteWriteSender(port: number): {
  send(body: Buffer): Promise<void> | undefined;
  finish(): Promise<void>;
  retries(): number;
} {
  const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  const pending = new Set<Promise<void>>();
  let retried = 0;
  let failure: Error | undefined;
  const post = (body: Buffer): Promise<void> =>
    new Promise<{ status: number; retryAfter: number; text: string }>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          path: '/api/v1/write',
          method: 'POST',
          agent,
          headers: { ...REMOTE_WRITE_HEADERS, 'Content-Length': body.length },
        },
        (res) => {
          let text = '';
          res
            .setEncoding('utf8')
            .on('data', (d: string) => {
              text += d;
            })
            .on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                retryAfter: Number(res.headers['retry-after'] ?? 1),
                text,
              }),
            );
        },
      );
      req.on('error', reject);
      req.end(body);
    }).then(async (r) => {
      if (r.status === 204) return;
      if (r.status !== 503) throw new Error(`remote_write answered ${r.status}: ${r.text}`);
      retried++;
      await new Promise((done) => setTimeout(done, r.retryAfter * 1000));
      return post(body);
    });
  return {
    send(body) {
      if (failure) throw failure;
      const p: Promise<void> = post(body)
        .catch((err: Error) => {
          failure = err;
        })
        .finally(() => pending.delete(p));
      pending.add(p);
      return pending.size >= IN_FLIGHT ? Promise.race(pending) : undefined;
    },
    async finish() {
      await Promise.all(pending);
      agent.destroy();
      if (failure) throw failure;
    },
    retries: () => retried,
  };
}
