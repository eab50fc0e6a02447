/**
 * A remote_write body to a WriteRequest: Snappy's block format (not its framed one), then protobuf.
 * Both libraries bound what they allocate: snappyjs refuses a declared length over the limit before
 * allocating it, and protobufjs reads within the buffer it is given.
 */
import snappy from 'snappyjs';
import { WriteRequest, type PromWriteRequest } from './protoSchema.js';

/** Why a body was refused, with the HTTP status it answers and the message the sender sees. */
export class RemoteWriteError extends Error {
  constructor(readonly status: 400 | 413, message: string) {
    super(message);
  }
}

const DECLARED_LENGTH = /uncompressed length of (\d+) is too big/;

export function decodeWriteRequest(body: Buffer, maxDecodedBytes: number): PromWriteRequest {
  let raw: Buffer;
  try {
    raw = snappy.uncompress(body, maxDecodedBytes);
  } catch (err) {
    const declared = DECLARED_LENGTH.exec((err as Error).message)?.[1];
    if (declared) throw new RemoteWriteError(413, `body decompresses to ${declared} bytes, over horizon.remoteWrite.maxDecodedBytes (${maxDecodedBytes})`);
    throw new RemoteWriteError(400, `body is not Snappy-compressed (block format): ${(err as Error).message}`);
  }
  try {
    return WriteRequest.decode(raw) as unknown as PromWriteRequest;
  } catch (err) {
    throw new RemoteWriteError(400, `body is not a protobuf prometheus.WriteRequest: ${(err as Error).message}`);
  }
}

/** protobufjs gives int64 fields as Long objects (long.js is installed) or, without it, numbers. */
export const int64 = (v: number | { toNumber(): number }): number => (typeof v === 'number' ? v : v.toNumber());
