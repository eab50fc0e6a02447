import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { encodePickle, framePickle } from '../../utils/senders/pickle.js';

// Debian's python3: its pickle module is the reference decoder for what carbon-relay sends.
const PYTHON = '/usr/bin/python3';
const LOADS = 'import sys, json, pickle; print(json.dumps(pickle.loads(sys.stdin.buffer.read())))';

describe('pickle encoder (protocol 2, carbon-relay shape)', () => {
  it("Python's pickle.loads reads what we encode", () => {
    const points = [
      { name: 'a.b.c', ts: 1_700_000_000, value: 1.5 },
      { name: 'ünïcode.name', ts: 1_700_000_060.5, value: -2e-9 },
      { name: 'x', ts: 1_700_000_120, value: 12345678901 },
    ];
    const out = JSON.parse(execFileSync(PYTHON, ['-c', LOADS], { input: encodePickle(points) }).toString());
    expect(out).toEqual(points.map((p) => [p.name, [p.ts, p.value]]));
  });

  it('frames with a 4-byte big-endian length, as carbon-relay does', () => {
    const frame = framePickle([{ name: 'a.b.c', ts: 1_700_000_000, value: 1.5 }]);
    expect(frame.readUInt32BE(0)).toBe(frame.length - 4);
    const out = JSON.parse(execFileSync(PYTHON, ['-c', LOADS], { input: frame.subarray(4) }).toString());
    expect(out).toEqual([['a.b.c', [1_700_000_000, 1.5]]]);
  });

  it('encodes an empty list', () => {
    expect(JSON.parse(execFileSync(PYTHON, ['-c', LOADS], { input: encodePickle([]) }).toString())).toEqual(
      [],
    );
  });
});
