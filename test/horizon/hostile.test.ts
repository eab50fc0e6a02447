import net from 'node:net';
import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../core/store/embeddedStore.js';
import { python, pointsOf, startTestHorizon, testConfig, waitFor } from './support.js';

// Hostile and malformed input (issue 3): each is rejected and counted by reason, and the listener
// keeps serving the next valid frame on another connection.
const store = EmbeddedStore.open();
let horizon: Awaited<ReturnType<typeof startTestHorizon>>;
const NOW = Math.floor(Date.now() / 1000);

beforeAll(async () => {
  horizon = await startTestHorizon(store, testConfig());
});
afterAll(async () => {
  await horizon.stop();
  await store.close();
});

const frame = (payload: Buffer) => {
  const h = Buffer.alloc(4);
  h.writeUInt32BE(payload.length);
  return Buffer.concat([h, payload]);
};
const pickleOf = (expr: string, protocol = 2) =>
  python(`import pickle, sys, os; sys.stdout.buffer.write(pickle.dumps(${expr}, protocol=${protocol}))`);

/** Sends bytes on a fresh pickle TCP connection and waits until the server is done with it. */
async function sendPickleTcp(bytes: Buffer): Promise<void> {
  const sock = net.connect(horizon.endpoints.pickle as number, '127.0.0.1');
  sock.on('error', () => {});
  await new Promise((r) => sock.once('connect', r));
  sock.end(bytes);
  await new Promise((r) => sock.once('close', r));
}

async function sendUdp(port: number, bytes: Buffer): Promise<void> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.send(bytes, port, '127.0.0.1', () => r()));
  s.close();
}

/** After each hostile input, a valid frame on a new connection must still be stored. */
let probe = 0;
async function stillServing(): Promise<void> {
  const name = `probe.n${probe++}`;
  await sendPickleTcp(frame(pickleOf(`[('${name}', (${NOW}, 1))]`)));
  expect(
    await waitFor(
      () => pointsOf(store, name),
      (p) => p.length === 1,
    ),
  ).toEqual([[NOW, 1]]);
}

const rejected = (reason: keyof typeof horizon.counters.rejected) => horizon.counters.rejected[reason];

describe('hostile pickle frames', () => {
  it('rejects os.system via GLOBAL+REDUCE and via STACK_GLOBAL as unsafe, and runs nothing', async () => {
    const marker = `/tmp/kale-pwned-${process.pid}`;
    const evil = (p: number) =>
      python(`import pickle, os, sys
class E:
    def __reduce__(self): return (os.system, ('touch ${marker}',))
sys.stdout.buffer.write(pickle.dumps([('evil', (${NOW}, E()))], protocol=${p}))`);
    const before = rejected('unsafe');
    await sendPickleTcp(frame(evil(2)));
    await sendPickleTcp(frame(evil(4)));
    await sendUdp(horizon.endpoints.pickle as number, evil(5));
    await waitFor(
      () => rejected('unsafe'),
      (n) => n === before + 3,
    );
    expect(rejected('unsafe')).toBe(before + 3);
    expect((await import('node:fs')).existsSync(marker)).toBe(false);
    await stillServing();
  });

  it('closes a connection announcing a 4 GiB frame (oversized) without reading it', async () => {
    const before = rejected('oversized');
    const sock = net.connect(horizon.endpoints.pickle as number, '127.0.0.1');
    sock.on('error', () => {});
    await new Promise((r) => sock.once('connect', r));
    sock.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x80, 0x02]));
    await new Promise((r) => sock.once('close', r));
    expect(rejected('oversized')).toBe(before + 1);
    await stillServing();
  });

  it('rejects a memo bomb, 100,000-deep nesting, truncated frames and random bytes', async () => {
    const before = rejected('undecodable');
    const beforeLimit = rejected('undecodable') + rejected('unsafe');
    const memoBomb = Buffer.concat([
      Buffer.from([0x80, 4, 0x4e]),
      Buffer.alloc(200_000, 0x94),
      Buffer.from([0x2e]),
    ]);
    const deep = Buffer.concat([
      Buffer.from([0x80, 2]),
      Buffer.alloc(100_000, 0x5d),
      Buffer.alloc(99_999, 0x61),
      Buffer.from([0x2e]),
    ]);
    const valid = pickleOf(`[('x', (${NOW}, 1.0))]`);
    await sendPickleTcp(frame(memoBomb));
    await sendPickleTcp(frame(deep));
    await sendPickleTcp(frame(valid).subarray(0, 12)); // the connection ends inside the frame
    await sendPickleTcp(frame(valid.subarray(0, valid.length - 3))); // a complete frame holding a cut pickle
    const random = Buffer.alloc(2000);
    let seed = 7;
    for (let i = 0; i < random.length; i++)
      random[i] = (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
    await sendPickleTcp(frame(random));
    await waitFor(
      () => rejected('undecodable'),
      (n) => n >= before + 5,
    );
    expect(rejected('undecodable')).toBe(before + 5);
    expect(rejected('undecodable') + rejected('unsafe')).toBe(beforeLimit + 5);
    await stillServing();
  });

  it('counts bad values, timestamps, names and structure per point, storing the good points of the same frame', async () => {
    const c = horizon.counters;
    const before = { ...c.rejected };
    const longName = 'x'.repeat(10_000);
    await sendPickleTcp(
      frame(
        pickleOf(`[
      ('ok.mixed', (${NOW}, 1.0)),
      ('nan', (${NOW}, float('nan'))), ('inf', (${NOW}, float('inf'))), ('str', (${NOW}, 'abc')), ('none', (${NOW}, None)),
      ('future', (${NOW + 3600}, 1)), ('ancient', (86400, 1)), ('tsstr', ('soon', 1)),
      ('${longName}', (${NOW}, 1)), ('', (${NOW}, 1)), ('ctl\\x01name', (${NOW}, 1)), (42, (${NOW}, 1)),
      ('short',), ('triple', (1, 2, 3)), 17,
      ('ok.mixed', (${NOW + 1}, '2.5'))]`),
      ),
    );
    expect(
      await waitFor(
        () => pointsOf(store, 'ok.mixed'),
        (p) => p.length === 2,
      ),
    ).toEqual([
      [NOW, 1],
      [NOW + 1, 2.5],
    ]);
    expect(c.rejected.value - before.value).toBe(4);
    expect(c.rejected.timestamp - before.timestamp).toBe(3);
    expect(c.rejected.name - before.name).toBe(3);
    expect(c.rejected.structure - before.structure).toBe(4);
  });
});

describe('hostile datagrams and lines', () => {
  it('rejects undecodable msgpack and pickle datagrams and keeps serving UDP', async () => {
    const before = rejected('undecodable');
    await sendUdp(horizon.endpoints.udp as number, Buffer.from([0x92, 0xa3, 0x61])); // a str cut short
    await sendUdp(horizon.endpoints.udp as number, Buffer.from([0xdd, 0xff, 0xff, 0xff, 0xff])); // array of 4G items
    await sendUdp(horizon.endpoints.pickle as number, Buffer.from('not a pickle at all'));
    await waitFor(
      () => rejected('undecodable'),
      (n) => n >= before + 3,
    );
    expect(rejected('undecodable')).toBe(before + 3);
    const ok = python(
      `import msgpack, sys; sys.stdout.buffer.write(msgpack.packb(['udp.after', [${NOW}, 4]]))`,
    );
    await sendUdp(horizon.endpoints.udp as number, ok);
    expect(
      await waitFor(
        () => pointsOf(store, 'udp.after'),
        (p) => p.length === 1,
      ),
    ).toEqual([[NOW, 4]]);
  });

  it('rejects over-long and malformed plaintext lines and keeps the connection', async () => {
    const c = horizon.counters;
    const before = { ...c.rejected };
    const sock = net.connect(horizon.endpoints.line as number, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    sock.write(`${'y'.repeat(100_000)} 1 ${NOW}\n`);
    sock.write(`only.two 1\nbad.value abc ${NOW}\nbad.ts 1 yesterday\nline.after 5 ${NOW}\n`);
    sock.end();
    expect(
      await waitFor(
        () => pointsOf(store, 'line.after'),
        (p) => p.length === 1,
      ),
    ).toEqual([[NOW, 5]]);
    expect(c.rejected.oversized - before.oversized).toBe(1);
    expect(c.rejected.structure - before.structure).toBe(1);
    expect(c.rejected.value - before.value).toBe(1);
    expect(c.rejected.timestamp - before.timestamp).toBe(1);
  });
});
