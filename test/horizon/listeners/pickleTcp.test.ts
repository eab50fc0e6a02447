import { describe, expect, it } from 'vitest';
import {
  listenPickleTcp,
  PendingFrames,
  type PickleTcpLimits,
} from '../../../horizon/listeners/pickleTcp.js';
import type { TcpListener } from '../../../horizon/listeners/tcp.js';
import { EmbeddedStore } from '../../../core/store/embeddedStore.js';
import { CARBON_RELAY_FRAME, pointsOf, RecordingSink, startTestHorizon, waitFor } from '../support.js';
import { closedAfterEach } from './closedAfterEach.js';
import { closed, connect } from './connect.js';

const LIMITS: PickleTcpLimits = {
  maxFrameBytes: 1024,
  partialFrameMs: 10_000,
  maxConnections: 10,
  maxPendingBytes: 1 << 20,
};

const opened = closedAfterEach<TcpListener>();

describe('listenPickleTcp', () => {
  it('decodes frames however the stream splits them', async () => {
    const sink = new RecordingSink();
    const listener = opened(await listenPickleTcp('127.0.0.1', 0, sink, LIMITS));
    const client = await connect(listener.port);
    const stream = Buffer.concat([CARBON_RELAY_FRAME, CARBON_RELAY_FRAME, CARBON_RELAY_FRAME]);
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
    const listener = opened(await listenPickleTcp('127.0.0.1', 0, sink, LIMITS));
    const good = await connect(listener.port);
    const bad = await connect(listener.port);
    const huge = Buffer.alloc(4);
    huge.writeUInt32BE(1 << 30);
    bad.write(huge);
    await closed(bad);
    expect(sink.rejects.map((r) => [r.reason, r.detail])).toEqual([
      ['oversized', 'frame of 1073741824 bytes announced (limit 1024); connection closed'],
    ]);
    good.write(CARBON_RELAY_FRAME);
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
    const listener = opened(
      await listenPickleTcp('127.0.0.1', 0, sink, { ...LIMITS, maxPendingBytes: 60 }, undefined, pending),
    );
    const first = await connect(listener.port);
    const second = await connect(listener.port);
    first.write(CARBON_RELAY_FRAME.subarray(0, 40));
    await waitFor(
      () => pending.bytes,
      (b) => b === 40,
    );
    second.write(CARBON_RELAY_FRAME.subarray(0, 40));
    await closed(second);
    expect(sink.rejects.map((r) => r.reason)).toEqual(['overload']);
    expect(sink.rejects[0].detail).toContain('(horizon.maxPendingBytes 60)');
    // The refused connection's bytes are given back; the first may still finish its frame.
    await waitFor(
      () => pending.bytes,
      (b) => b === 40,
    );
    first.write(CARBON_RELAY_FRAME.subarray(40));
    await waitFor(
      () => sink.points.length,
      (n) => n === 1,
    );
    expect(pending.bytes).toBe(0);
    first.destroy();
  });

  it('counts a connection that closes inside a frame as undecodable', async () => {
    const sink = new RecordingSink();
    const listener = opened(await listenPickleTcp('127.0.0.1', 0, sink, LIMITS));
    const client = await connect(listener.port);
    client.end(CARBON_RELAY_FRAME.subarray(0, 10));
    await waitFor(
      () => sink.rejects.length,
      (n) => n === 1,
    );
    expect(sink.rejects).toEqual([
      { reason: 'undecodable', detail: 'connection closed inside a frame (10 bytes)', count: 1 },
    ]);
    expect(sink.points).toEqual([]);
  });

  it('closes a connection stalled inside a frame and counts it, leaving idle connections open', async () => {
    const sink = new RecordingSink();
    const listener = opened(await listenPickleTcp('127.0.0.1', 0, sink, { ...LIMITS, partialFrameMs: 200 }));
    const stalled = await connect(listener.port);
    const idle = await connect(listener.port);
    // The idle connection's frame is read before the stall begins, so it is between frames throughout.
    idle.write(CARBON_RELAY_FRAME);
    await waitFor(
      () => sink.points.length,
      (n) => n === 1,
    );
    stalled.write(CARBON_RELAY_FRAME.subarray(0, 10));
    await closed(stalled);
    expect(sink.rejects.map((r) => r.reason)).toEqual(['undecodable']);
    expect(sink.rejects[0].detail).toContain('frame not complete 200 ms after its first byte');
    // Two more stall periods: a connection between frames is never closed for being quiet.
    await new Promise((r) => setTimeout(r, 400));
    expect(idle.destroyed).toBe(false);
    expect(sink.points).toHaveLength(1);
    idle.destroy();
  });
});

describe("horizon's pickle port", () => {
  it('stores the captured carbon-relay frame as a.b.c 1.5 @ 1700000000', async () => {
    const store = EmbeddedStore.open();
    // The frame's timestamp is from 2023: validate it against its own time.
    const h = await startTestHorizon(store, undefined, { now: () => 1_700_000_030 });
    const client = await connect(h.endpoints.pickle as number);
    client.end(CARBON_RELAY_FRAME);
    expect(
      await waitFor(
        () => pointsOf(store, 'a.b.c'),
        (p) => p.length === 1,
      ),
    ).toEqual([[1700000000, 1.5]]);
    await h.stop();
    await store.close();
  });
});
