import { execFileSync, spawn } from 'node:child_process';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../core/store/embeddedStore.js';
import { PYTHON, pointsOf, startTestHorizon, waitFor } from './support.js';

// Every real sender Kale accepts (pickle, msgpack and plaintext) against one horizon on ephemeral ports, storing into the embedded
// store (the Redis path is covered in writerRedis.test.ts and carbonRelay.test.ts).
const store = EmbeddedStore.open();
let horizon: Awaited<ReturnType<typeof startTestHorizon>>;
const T0 = Math.floor(Date.now() / 1000) - 300;

beforeAll(async () => {
  horizon = await startTestHorizon(store);
});
afterAll(async () => {
  await horizon.stop();
  await store.close();
});

const port = (k: 'pickle' | 'udp' | 'line') => String(horizon.endpoints[k]);
const arrived = (name: string, n: number) =>
  waitFor(
    () => pointsOf(store, name),
    (p) => p.length >= n,
  );

describe('pickle TCP', () => {
  it('stores frames from python pickle.dumps at protocols 0-5 on one connection', async () => {
    execFileSync(PYTHON, [
      '-c',
      `
import pickle, socket, struct, sys
s = socket.create_connection(('127.0.0.1', int(sys.argv[1])))
t0 = int(sys.argv[2])
for p in range(6):
    pts = [('py.pickle.p%d' % p, (float(t0 + i * 10), i + 0.5)) for i in range(3)] + [('py.pickle.int%d' % p, (t0, 7))]
    data = pickle.dumps(pts, protocol=p)
    s.sendall(struct.pack('!L', len(data)) + data)
s.close()`,
      port('pickle'),
      String(T0),
    ]);
    for (let p = 0; p <= 5; p++) {
      expect(await arrived(`py.pickle.p${p}`, 3)).toEqual([
        [T0, 0.5],
        [T0 + 10, 1.5],
        [T0 + 20, 2.5],
      ]);
      expect(await arrived(`py.pickle.int${p}`, 1)).toEqual([[T0, 7]]);
    }
  });

  it('serves 64 clients connected at once, each sending a frame split in two writes', async () => {
    execFileSync(PYTHON, [
      '-c',
      `
import pickle, socket, struct, sys, time
conns = [socket.create_connection(('127.0.0.1', int(sys.argv[1]))) for _ in range(64)]
t0 = int(sys.argv[2])
frames = []
for i, s in enumerate(conns):
    data = pickle.dumps([('py.many.c%d' % i, (t0, i))], protocol=2)
    frames.append(struct.pack('!L', len(data)) + data)
for s, f in zip(conns, frames): s.sendall(f[:7])
time.sleep(0.05)
for s, f in zip(conns, frames): s.sendall(f[7:])
for s in conns: s.close()`,
      port('pickle'),
      String(T0),
    ]);
    for (let i = 0; i < 64; i++) expect(await arrived(`py.many.c${i}`, 1)).toEqual([[T0, i]]);
  });
});

describe('pickle UDP', () => {
  it('stores datagrams with and without the 4-byte length prefix', async () => {
    execFileSync(PYTHON, [
      '-c',
      `
import pickle, socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
t0 = int(sys.argv[2])
a = pickle.dumps([('py.udp.pickle.bare', (t0, 1.25))], protocol=2)
b = pickle.dumps([('py.udp.pickle.prefixed', (t0, 2.5))], protocol=4)
s.sendto(a, ('127.0.0.1', int(sys.argv[1])))
s.sendto(struct.pack('!L', len(b)) + b, ('127.0.0.1', int(sys.argv[1])))`,
      port('pickle'),
      String(T0),
    ]);
    expect(await arrived('py.udp.pickle.bare', 1)).toEqual([[T0, 1.25]]);
    expect(await arrived('py.udp.pickle.prefixed', 1)).toEqual([[T0, 2.5]]);
  });
});

describe('msgpack UDP', () => {
  it('stores python3-msgpack datagrams: one record, a list, and objects back to back', async () => {
    execFileSync(PYTHON, [
      '-c',
      `
import msgpack, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
addr = ('127.0.0.1', int(sys.argv[1]))
t0 = int(sys.argv[2])
s.sendto(msgpack.packb(['py.mp.one', [t0, 1.5]]), addr)
s.sendto(msgpack.packb([['py.mp.list', [t0 + i, i * 1.5]] for i in range(100)]), addr)
s.sendto(msgpack.packb(['py.mp.concat', [t0, 1]]) + msgpack.packb(['py.mp.concat', [t0 + 1, 2.0]]), addr)
s.sendto(msgpack.packb(['py.mp.bytesname'.encode(), [t0, 3]], use_bin_type=True), addr)`,
      port('udp'),
      String(T0),
    ]);
    expect(await arrived('py.mp.one', 1)).toEqual([[T0, 1.5]]);
    expect(await arrived('py.mp.list', 100)).toEqual(
      Array.from({ length: 100 }, (_, i) => [T0 + i, i * 1.5]),
    );
    expect(await arrived('py.mp.concat', 2)).toEqual([
      [T0, 1],
      [T0 + 1, 2],
    ]);
    expect(await arrived('py.mp.bytesname', 1)).toEqual([[T0, 3]]);
  });

  it('stores Perl Data::MessagePack datagrams: bin names, string values', async () => {
    execFileSync('perl', [
      '-MData::MessagePack',
      '-MIO::Socket::INET',
      '-e',
      `
my ($port, $t0) = @ARGV;
my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1:$port", Proto => 'udp') or die $!;
my $mp = Data::MessagePack->new;
$s->send($mp->pack(["perl.mp.str", [$t0, "1.5"]]));
$s->send($mp->pack([["perl.mp.list", [$t0, 2]], ["perl.mp.list", [$t0 + 60, "-0.25"]]]));
`,
      port('udp'),
      String(T0),
    ]);
    expect(await arrived('perl.mp.str', 1)).toEqual([[T0, 1.5]]);
    expect(await arrived('perl.mp.list', 2)).toEqual([
      [T0, 2],
      [T0 + 60, -0.25],
    ]);
  });
});

describe('plaintext TCP', () => {
  it('reassembles lines split at odd byte offsets across TCP reads', async () => {
    const lines =
      Array.from({ length: 40 }, (_, i) => `raw.split.m${i % 4} ${i * 1.25} ${T0 + i}\n`).join('') +
      `raw.split.crlf 9 ${T0}\r\nraw.split.last 3 ${T0}`;
    const bytes = Buffer.from(lines);
    const sock = net.connect(Number(port('line')), '127.0.0.1');
    sock.setNoDelay(true);
    await new Promise((r) => sock.once('connect', r));
    // Prime-sized pieces with pauses, so reads end mid-name, mid-value and mid-timestamp.
    for (let at = 0, k = 0; at < bytes.length; k++) {
      const size = [1, 3, 7, 11, 13, 17][k % 6];
      sock.write(bytes.subarray(at, at + size));
      at += size;
      if (k % 5 === 0) await new Promise((r) => setTimeout(r, 2));
    }
    sock.end();
    for (let m = 0; m < 4; m++) {
      const expected = Array.from({ length: 10 }, (_, j) => [T0 + m + 4 * j, (m + 4 * j) * 1.25]);
      expect(await arrived(`raw.split.m${m}`, 10)).toEqual(expected);
    }
    expect(await arrived('raw.split.crlf', 1)).toEqual([[T0, 9]]);
    expect(await arrived('raw.split.last', 1)).toEqual([[T0, 3]]);
  });

  it('stores what netcat-style senders write (python socket, one line per write)', async () => {
    const child = spawn(PYTHON, [
      '-c',
      `
import socket, sys
s = socket.create_connection(('127.0.0.1', int(sys.argv[1])))
for i in range(5): s.sendall(('nc.style %d %d\\n' % (i, int(sys.argv[2]) + i)).encode())
s.close()`,
      port('line'),
      String(T0),
    ]);
    await new Promise((r) => child.once('exit', r));
    expect(await arrived('nc.style', 5)).toEqual(Array.from({ length: 5 }, (_, i) => [T0 + i, i]));
  });
});
