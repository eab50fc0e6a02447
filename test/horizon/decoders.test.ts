import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../core/store/embeddedStore.js';
import { decodeMsgpackDatagram } from '../../horizon/decoders/msgpackDatagram.js';
import { PickleFrameReader } from '../../horizon/decoders/pickleFrames.js';
import { LineReader } from '../../horizon/decoders/plaintext.js';
import { pointsOf, python, RecordingSink, startTestHorizon, waitFor } from './support.js';

const CAPTURED = Buffer.from(
  '0000002b80025d71005805000000612e622e6371014741d954fc40000000473ff8000000000000867102867103612e',
  'hex',
);

describe('plaintext reassembly', () => {
  it('yields the same points whatever the split offsets, including inside a UTF-8 character', () => {
    const text = Buffer.from('a.b 1.5 1700000000\r\nnaïve.é 2 1700000001\n\nc.d -3e2 1700000002\n');
    for (let i = 0; i <= text.length; i++) {
      for (let j = i; j <= text.length; j += 3) {
        const sink = new RecordingSink();
        const r = new LineReader(sink, 'p', 4096);
        r.push(text.subarray(0, i));
        r.push(text.subarray(i, j));
        r.push(text.subarray(j));
        r.end();
        expect(sink.points).toEqual([
          ['a.b', '1700000000', '1.5'],
          ['naïve.é', '1700000001', '2'],
          ['c.d', '1700000002', '-3e2'],
        ]);
        expect(sink.rejects).toEqual([]);
      }
    }
  });
});

describe('pickle framing', () => {
  it('reassembles frames fed one byte at a time, and several frames in one read', () => {
    const frames: Buffer[] = [];
    const reader = new PickleFrameReader(1 << 20);
    for (const b of CAPTURED) reader.push(Buffer.from([b]), (f) => frames.push(Buffer.from(f)));
    reader.push(Buffer.concat([CAPTURED, CAPTURED]), (f) => frames.push(Buffer.from(f)));
    expect(frames).toHaveLength(3);
    for (const f of frames) expect(f).toEqual(CAPTURED.subarray(4));
    expect(reader.pending).toBe(0);
  });

  it('stores the captured carbon-relay frame as a.b.c 1.5 @ 1700000000', async () => {
    const store = EmbeddedStore.open();
    // The frame's timestamp is from 2023: validate it against its own time.
    const h = await startTestHorizon(store, undefined, { now: () => 1_700_000_030 });
    const s = net.connect(h.endpoints.pickle as number, '127.0.0.1');
    await new Promise((r) => s.once('connect', r));
    s.end(CAPTURED);
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

describe('msgpack datagrams', () => {
  it('accepts str and bin names, numeric-string values, lists and concatenated objects', () => {
    const bytes = python(`import msgpack, sys
out = msgpack.packb(['s', [1, 2]]) + msgpack.packb([b'b', [3, '4.5']], use_bin_type=True) + msgpack.packb([['l1', [5, 6]], ['l2', [7, 8]]])
sys.stdout.buffer.write(out)`);
    const sink = new RecordingSink();
    decodeMsgpackDatagram(bytes, sink, 'p');
    expect(
      sink.points.map(([n, t, v]) => [
        Buffer.isBuffer(n) || n instanceof Uint8Array ? Buffer.from(n as Uint8Array).toString() : n,
        t,
        v,
      ]),
    ).toEqual([
      ['s', 1, 2],
      ['b', 3, '4.5'],
      ['l1', 5, 6],
      ['l2', 7, 8],
    ]);
    expect(sink.rejects).toEqual([]);
  });

  it('counts a map or a bare number as a structure reject', () => {
    const sink = new RecordingSink();
    decodeMsgpackDatagram(
      python(`import msgpack, sys; sys.stdout.buffer.write(msgpack.packb({'a': 1}) + msgpack.packb(7))`),
      sink,
      'p',
    );
    expect(sink.rejects.map((r) => r.reason)).toEqual(['structure', 'structure']);
  });
});

describe('pickle TCP stalls', () => {
  it('closes a connection stalled inside a frame and counts it, leaving idle connections open', async () => {
    const { listenPickleTcp } = await import('../../horizon/listeners/pickleTcp.js');
    const sink = new RecordingSink();
    const l = await listenPickleTcp('127.0.0.1', 0, sink, {
      maxFrameBytes: 1 << 20,
      partialFrameMs: 200,
      maxConnections: 10,
      maxPendingBytes: 1 << 20,
    });
    const stalled = net.connect(l.port, '127.0.0.1');
    const idle = net.connect(l.port, '127.0.0.1');
    await Promise.all([
      new Promise((r) => stalled.once('connect', r)),
      new Promise((r) => idle.once('connect', r)),
    ]);
    stalled.write(CAPTURED.subarray(0, 10));
    idle.write(CAPTURED);
    await new Promise((r) => stalled.once('close', r));
    expect(sink.rejects.map((r) => r.reason)).toEqual(['undecodable']);
    expect(sink.rejects[0].detail).toContain('frame not complete 200 ms after its first byte');
    await new Promise((r) => setTimeout(r, 400));
    expect(idle.destroyed).toBe(false);
    expect(sink.points).toHaveLength(1);
    idle.destroy();
    await l.close();
  });
});
