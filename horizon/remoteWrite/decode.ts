/**
 * A remote_write body to columns: Snappy's block format (not its framed one, the `snappy`
 * package's native codec), then protobuf (columns.ts). The length the block declares is checked
 * before anything is allocated for it; the protobuf reader reads within the buffer it is given.
 */
import { uncompressSync } from 'snappy';
import type { ColumnsDecoder, WriteColumns } from './columns.js';

/** Why a body was refused, with the HTTP status it answers and the message the sender sees. */
export class RemoteWriteError extends Error {
  constructor(
    readonly status: 400 | 413,
    message: string,
  ) {
    super(message);
  }
}

/** Snappy's best expansion: a 3-byte copy element writes at most 64 bytes. */
const MAX_SNAPPY_EXPANSION = 64 / 3;

/** The uncompressed length a Snappy block starts with (a little-endian base-128 varint of at most 32 bits), or -1. */
function declaredLength(body: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < 5 && i < body.length; i++) {
    n += (body[i] & 0x7f) * 2 ** (7 * i);
    if (body[i] < 0x80) return n <= 0xffffffff ? n : -1;
  }
  return -1;
}

/** A body to columns; a RemoteWriteError names what is wrong with it. */
export function decodeBody(
  body: Uint8Array,
  maxDecodedBytes: number,
  decoder: ColumnsDecoder,
  template: string | undefined,
  rateCounters: boolean,
): WriteColumns {
  const declared = declaredLength(body);
  if (declared < 0)
    throw new RemoteWriteError(400, 'body is not Snappy-compressed (block format): no length header');
  if (declared > body.length * MAX_SNAPPY_EXPANSION + 1)
    throw new RemoteWriteError(
      400,
      `body is not Snappy-compressed (block format): it declares ${declared} bytes, more than its ${body.length} bytes can hold`,
    );
  if (declared > maxDecodedBytes)
    throw new RemoteWriteError(
      413,
      `body decompresses to ${declared} bytes, over horizon.remoteWrite.maxDecodedBytes (${maxDecodedBytes})`,
    );
  let raw: Buffer;
  try {
    raw = uncompressSync(Buffer.from(body.buffer, body.byteOffset, body.length), {
      asBuffer: true,
    }) as Buffer;
  } catch (err) {
    throw new RemoteWriteError(
      400,
      `body is not Snappy-compressed (block format): ${(err as Error).message}`,
    );
  }
  try {
    return decoder.decode(raw, template, rateCounters);
  } catch (err) {
    throw new RemoteWriteError(
      400,
      `body is not a protobuf prometheus.WriteRequest: ${(err as Error).message}`,
    );
  }
}
