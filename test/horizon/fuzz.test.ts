import { describe, expect, it } from 'vitest';
import { decodeMsgpackDatagram } from '../../horizon/decoders/msgpackDatagram.js';
import {
  decodePickle,
  decodePickleDatagram,
  PickleFrameReader,
} from '../../horizon/decoders/pickleFrames.js';
import { LineReader } from '../../horizon/decoders/plaintext.js';
import { PickleError, unpickle } from '../../horizon/decoders/restrictedUnpickler.js';
import { python, RecordingSink } from './support.js';

// Seeded mutation fuzzing of every decoder. Bounded by a time budget (not asserted: when the box is
// busy fewer cases run) and by a case cap. Failures print the seed and case number to replay.
const SEED = Number(process.env.KALE_FUZZ_SEED ?? 20261122);
const BUDGET_MS = Number(process.env.KALE_FUZZ_MS ?? 4000);
const MAX_CASES = 200_000;

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

const seeds = (() => {
  const py = python(`import pickle, msgpack, sys, struct
out = []
pts = [('fz.a.b', (1700000000.0 + i, i * 0.5)) for i in range(5)] + [('fz.s', (1700000000, '2')), ('fz.big', (1700000000, 2**70))]
for p in range(6): out.append(pickle.dumps(pts, protocol=p))
out.append(msgpack.packb([[n, list(tv)] for n, tv in pts[:5]]))
out.append(msgpack.packb(['fz.one', [1700000000, 1.5]], use_bin_type=False))
for b in out: sys.stdout.buffer.write(struct.pack('!L', len(b)) + b)`);
  const list: Buffer[] = [];
  for (let at = 0; at < py.length; ) {
    const n = py.readUInt32BE(at);
    list.push(py.subarray(at + 4, at + 4 + n));
    at += 4 + n;
  }
  return {
    pickles: list.slice(0, 6),
    msgpacks: list.slice(6),
    line: Buffer.from('fz.line 1.5 1700000000\nfz.line2 -2 1700000001\n'),
  };
})();

/** One mutation: flip, insert, delete, duplicate or splice a slice, or write an interesting byte. */
function mutate(input: Buffer, r: () => number): Buffer {
  let b = Buffer.from(input);
  const n = 1 + Math.floor(r() * 4);
  const interesting = [
    0x00, 0xff, 0x7f, 0x80, 0x28, 0x2e, 0x63, 0x93, 0x52, 0x94, 0x71, 0x68, 0x58, 0xdd, 0xdf, 0xc4, 0x0a,
  ];
  for (let k = 0; k < n; k++) {
    const at = Math.floor(r() * Math.max(1, b.length));
    switch (Math.floor(r() * 6)) {
      case 0:
        if (b.length) b[at] ^= 1 << Math.floor(r() * 8);
        break;
      case 1:
        b = Buffer.concat([b.subarray(0, at), Buffer.from([Math.floor(r() * 256)]), b.subarray(at)]);
        break;
      case 2:
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + Math.floor(r() * 8))]);
        break;
      case 3: {
        const len = Math.floor(r() * 16);
        b = Buffer.concat([b.subarray(0, at), b.subarray(at, at + len), b.subarray(at)]);
        break;
      }
      case 4:
        if (b.length) b[at] = interesting[Math.floor(r() * interesting.length)];
        break;
      case 5:
        b = b.subarray(0, at);
        break;
    }
  }
  return b;
}

describe('decoder fuzzing (seeded, time-bounded)', () => {
  it(`never crashes, hangs or grows without bound on mutated frames (seed ${SEED})`, () => {
    const r = rng(SEED);
    const heapBefore = process.memoryUsage().heapUsed;
    const deadline = Date.now() + BUDGET_MS;
    let cases = 0;
    for (; cases < MAX_CASES && Date.now() < deadline; cases++) {
      const sink = new RecordingSink();
      const which = cases % 5;
      try {
        if (which === 0) {
          const m = mutate(seeds.pickles[Math.floor(r() * seeds.pickles.length)], r);
          try {
            unpickle(m);
          } catch (err) {
            if (!(err instanceof PickleError)) throw err;
          }
          decodePickle(m, sink, 'fuzz');
          decodePickleDatagram(m, sink, 'fuzz');
        } else if (which === 1) {
          decodeMsgpackDatagram(
            mutate(seeds.msgpacks[Math.floor(r() * seeds.msgpacks.length)], r),
            sink,
            'fuzz',
          );
        } else if (which === 2) {
          const reader = new LineReader(sink, 'fuzz', 4096);
          const m = mutate(seeds.line, r);
          const cut = Math.floor(r() * m.length);
          reader.push(m.subarray(0, cut));
          reader.push(m.subarray(cut));
          reader.end();
        } else {
          // Length-prefixed stream: frames with mutated prefixes and payloads, fed in random pieces.
          const p = seeds.pickles[Math.floor(r() * seeds.pickles.length)];
          const head = Buffer.alloc(4);
          head.writeUInt32BE(p.length);
          const stream = mutate(Buffer.concat([head, p, head, p]), r);
          const reader = new PickleFrameReader(1 << 20);
          for (let at = 0; at < stream.length; ) {
            const step = 1 + Math.floor(r() * 64);
            if (
              reader.push(stream.subarray(at, at + step), (f) => decodePickle(f, sink, 'fuzz')) !== undefined
            )
              break;
            at += step;
          }
          expect(reader.pending).toBeLessThanOrEqual((1 << 20) + 4 + 64);
        }
      } catch (err) {
        throw new Error(`seed ${SEED} case ${cases}: ${(err as Error).stack}`);
      }
      // What a decoder delivers is bounded by its input: no amplification into millions of points.
      expect(sink.points.length).toBeLessThan(1000);
    }
    expect(cases).toBeGreaterThan(100);
    // Nothing retained across cases (generous bound: the GC may not have run yet).
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(512 * 1024 * 1024);
  });
});
