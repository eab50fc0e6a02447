import { afterEach, describe, expect, it } from 'vitest';
import {
  listenPickleTcp,
  PendingFrames,
  type PickleTcpLimits,
} from '../../../horizon/listeners/pickleTcp.js';
import type { TcpListener } from '../../../horizon/listeners/tcp.js';
import { RecordingSink, waitFor } from '../support.js';
import { closed, connect } from './connect.js';

/** carbon-relay's frame for [('a.b.c', (1700000000, 1.5))]: a 4-byte length, then protocol 2 pickle. */
const FRAME = Buffer.from(
  '0000002b80025d71005805000000612e622e6371014741d954fc40000000473ff8000000000000867102867103612e',
  'hex',
);
const LIMITS: PickleTcpLimits = {
  maxFrameBytes: 1024,
  partialFrameMs: 10_000,
  maxConnections: 10,
  maxPendingBytes: 1 << 20,
};

let listener: TcpListener | undefined;
afterEach(async () => {
  await listener?.close();
  listener = undefined;
});

describe('listenPickleTcp', () => {
  it('decodes frames however the stream splits them', async () => {
    const sink = new RecordingSink();
    listener = await listenPickleTcp('127.0.0.1', 0, sink, LIMITS);
    const client = await connect(listener.port);
    const stream = Buffer.concat([FRAME, FRAME, FRAME]);
    client.write(stream.subarray(0, 50));
    await waitFor(
      () => sink.points.length,
      (n) => n === 1,
    );
    client.write(stream.subarray(50));
    await waitFor(
      () => sink.points.length,
      (n) => n === 3,
    );
    expect(sink.points).toEqual(Array(3).fill(['a.b.c', 1700000000, 1.5]));
    expect(sink.rejects).toEqual([]);
    client.destroy();
  });

  it('closes a connection that announces a frame over the limit, unread, and serves the others', async () => {
    const sink = new RecordingSink();
    listener = await listenPickleTcp('127.0.0.1', 0, sink, LIMITS);
    const good = await connect(listener.port);
    const bad = await connect(listener.port);
    const huge = Buffer.alloc(4);
    huge.writeUInt32BE(1 << 30);
    bad.write(huge);
    await closed(bad);
    expect(sink.rejects.map((r) => [r.reason, r.detail])).toEqual([
      ['oversized', 'frame of 1073741824 bytes announced (limit 1024); connection closed'],
    ]);
    good.write(FRAME);
    await waitFor(
      () => sink.points.length,
      (n) => n === 1,
    );
    expect(sink.points).toEqual([['a.b.c', 1700000000, 1.5]]);
    good.destroy();
  });

  it("closes the connection whose unfinished frame takes the listener's pending bytes over the bound", async () => {
    const sink = new RecordingSink();
    const pending = new PendingFrames();
    listener = await listenPickleTcp(
      '127.0.0.1',
      0,
      sink,
      { ...LIMITS, maxPendingBytes: 60 },
      undefined,
      pending,
    );
    const first = await connect(listener.port);
    const second = await connect(listener.port);
    first.write(FRAME.subarray(0, 40));
    await waitFor(
      () => pending.bytes,
      (b) => b === 40,
    );
    second.write(FRAME.subarray(0, 40));
    await closed(second);
    expect(sink.rejects.map((r) => r.reason)).toEqual(['overload']);
    expect(sink.rejects[0].detail).toContain('(horizon.maxPendingBytes 60)');
    // The refused connection's bytes are given back; the first may still finish its frame.
    await waitFor(
      () => pending.bytes,
      (b) => b === 40,
    );
    first.write(FRAME.subarray(40));
    await waitFor(
      () => sink.points.length,
      (n) => n === 1,
    );
    expect(pending.bytes).toBe(0);
    first.destroy();
  });

  it('counts a connection that closes inside a frame as undecodable', async () => {
    const sink = new RecordingSink();
    listener = await listenPickleTcp('127.0.0.1', 0, sink, LIMITS);
    const client = await connect(listener.port);
    client.end(FRAME.subarray(0, 10));
    await waitFor(
      () => sink.rejects.length,
      (n) => n === 1,
    );
    expect(sink.rejects).toEqual([
      { reason: 'undecodable', detail: 'connection closed inside a frame (10 bytes)', count: 1 },
    ]);
    expect(sink.points).toEqual([]);
  });
});
