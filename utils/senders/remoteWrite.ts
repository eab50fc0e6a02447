/**
 * A Prometheus remote_write 1.0 client's half: a WriteRequest as Prometheus sends it (protobuf, then
 * Snappy's block format, with its headers), for the tests and `kale bench ingest --proto remote-write`.
 */
import { compressSync } from 'snappy';
import { WriteRequest, type PromLabel } from '../../horizon/remoteWrite/protoSchema.js';

export interface SeriesToSend {
  readonly labels: Readonly<Record<string, string>>;
  /** [milliseconds, value] */
  readonly samples: ReadonlyArray<readonly [number, number]>;
}

export interface MetadataToSend { readonly type: number; readonly metricFamilyName: string }

export const REMOTE_WRITE_HEADERS = {
  'Content-Type': 'application/x-protobuf',
  'Content-Encoding': 'snappy',
  'X-Prometheus-Remote-Write-Version': '0.1.0',
} as const;

export function encodeWriteRequest(series: readonly SeriesToSend[], metadata: readonly MetadataToSend[] = []): Buffer {
  const message = WriteRequest.fromObject({
    timeseries: series.map((s) => ({
      labels: Object.entries(s.labels).map(([name, value]): PromLabel => ({ name, value })),
      samples: s.samples.map(([timestamp, value]) => ({ timestamp, value })),
    })),
    metadata,
  });
  return compressSync(Buffer.from(WriteRequest.encode(message).finish()));
}
