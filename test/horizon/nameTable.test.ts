import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../core/store/embeddedStore.js';
import { NameTable } from '../../horizon/nameTable.js';
import { pointsOf, python, startTestHorizon, testConfig, waitFor } from './support.js';

const bytesOf = (s: string, encoding: BufferEncoding = 'utf8') => {
  const b = Buffer.from(`xx${s}yy`, encoding);
  return [b, 2, b.length - 2] as const;
};

describe('the name table (relay names interned from their bytes)', () => {
  it('gives the same id and string for the same bytes, wherever they sit, and distinct ids otherwise', () => {
    const t = new NameTable();
    const names = Array.from({ length: 20_000 }, (_, i) => `servers.host${i % 97}.cpu${i}.user`);
    const ids = names.map((n) => t.idOf(...bytesOf(n), false));
    expect(new Set(ids).size).toBe(names.length);
    names.forEach((n, i) => {
      expect(t.idOf(...bytesOf(n), false)).toBe(ids[i]);
      expect(t.name(ids[i])).toBe(n);
    });
    // Short names (tail bytes only) and names differing in one byte.
    for (const n of ['a', 'ab', 'abc', 'abcd', 'abce']) expect(t.name(t.idOf(...bytesOf(n), false))).toBe(n);
  });

  it('treats ASCII latin1 as UTF-8, and leaves non-ASCII latin1, empty and over-long names to the string path', () => {
    const t = new NameTable();
    const id = t.idOf(...bytesOf('caf.e'), false);
    expect(t.idOf(...bytesOf('caf.e', 'latin1'), true)).toBe(id);
    expect(t.name(t.idOf(...bytesOf('café.ü'), false))).toBe('café.ü');
    expect(t.idOf(...bytesOf('café', 'latin1'), true)).toBe(-1);
    expect(t.idOf(...bytesOf(''), false)).toBe(-1);
    expect(t.idOf(...bytesOf('x'.repeat(513)), false)).toBe(-1);
    expect(t.name(t.idOf(...bytesOf('x'.repeat(512)), false))).toBe('x'.repeat(512));
  });
});

describe('the name table for names that come as strings', () => {
  it('gives a string the id of its UTF-8 bytes, so a name has one id whichever way it came', () => {
    const t = new NameTable();
    for (const n of ['servers.a.cpu', 'café.ü', 'x'.repeat(600), '']) {
      const id = t.idOfName(n);
      expect(t.name(id)).toBe(n);
      expect(t.idOfName(`${n}`)).toBe(id);
      if (n.length > 0 && n.length <= 512) expect(t.idOf(...bytesOf(n), false)).toBe(id);
    }
    // A lone surrogate is written to Redis as U+FFFD's bytes: the same metric, so the same id.
    expect(t.idOfName('bad.\ud800')).toBe(t.idOfName('bad.\ufffd'));
    expect(t.idOfName('bad.\udbff')).toBe(t.idOfName('bad.\ufffd'));
    expect(() => t.idOfName('y'.repeat(70_000))).toThrow(/70000 bytes/);
  });

  it('starts over past its bound with a new strings array, leaving the old one to those who hold it', () => {
    const t = new NameTable(3);
    const ids = ['a', 'b', 'c'].map((n) => t.idOfName(n));
    const first = t.strings;
    expect([ids, t.generation, first]).toEqual([[0, 1, 2], 0, ['a', 'b', 'c']]);
    // The fourth name starts the table over: it becomes id 0 of a new array; the old one is untouched.
    expect(t.idOf(...bytesOf('d'), false)).toBe(0);
    expect([t.generation, t.strings, first]).toEqual([1, ['d'], ['a', 'b', 'c']]);
    expect(t.strings).not.toBe(first);
    // Old names are new names again, by bytes and by string alike.
    expect(t.idOfName('a')).toBe(1);
    expect(t.idOf(...bytesOf('a'), false)).toBe(1);
    expect(t.size).toBe(2);
  });
});

describe('relay frames through the name table: validation, skip list and reload', () => {
  const store = EmbeddedStore.open();
  let horizon: Awaited<ReturnType<typeof startTestHorizon>>;
  const NOW = Math.floor(Date.now() / 1000);
  beforeAll(async () => {
    horizon = await startTestHorizon(store, testConfig({ skip: ['.tmp.'] }));
  });
  afterAll(async () => {
    await horizon.stop();
    await store.close();
  });

  async function send(records: string): Promise<void> {
    const payload = python(
      `import pickle, sys; sys.stdout.buffer.write(pickle.dumps(${records}, protocol=2))`,
    );
    const head = Buffer.alloc(4);
    head.writeUInt32BE(payload.length);
    const sock = net.connect(horizon.endpoints.pickle as number, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    sock.end(Buffer.concat([head, payload]));
    await new Promise((r) => sock.once('close', r));
  }

  it('rejects bad names and skips skip-listed ones every time they come, and follows a reloaded skip list', async () => {
    const c = horizon.counters;
    // Distinct names: a name repeated inside one frame comes back from the memo, which is the unpickler's path.
    const frame = (ts: number) =>
      `[('ok.a', (${ts}, 1.5)), ('bad\\x01name', (${ts}, 1.0)), ('x' * 600, (${ts}, 1.0)), ('a.tmp.b', (${ts}, 2.0)), ('ok.c', (float('nan'), 1.0)), ('ok.b', (${ts}, float('inf')))]`;
    for (let round = 1; round <= 2; round++) {
      await send(frame(NOW - 3 + round));
      await waitFor(
        () => c.received,
        (n) => n === 6 * round,
      );
      expect([c.rejected.name, c.skipped, c.rejected.timestamp, c.rejected.value]).toEqual([
        2 * round,
        round,
        round,
        round,
      ]);
    }
    expect(
      await waitFor(
        () => pointsOf(store, 'ok.a'),
        (p) => p.length === 2,
      ),
    ).toEqual([
      [NOW - 2, 1.5],
      [NOW - 1, 1.5],
    ]);
    horizon.reload!(testConfig({ skip: ['ok.'] }));
    await send(frame(NOW));
    await waitFor(
      () => c.received,
      (n) => n === 18,
    );
    // ok.a is now skipped; a.tmp.b is stored; the bad names are still bad.
    expect([c.rejected.name, c.skipped]).toEqual([6, 3]);
    expect(
      await waitFor(
        () => pointsOf(store, 'a.tmp.b'),
        (p) => p.length === 1,
      ),
    ).toEqual([[NOW, 2]]);
    // Numbers are checked before the skip list, as in validatePoint: ok.c and ok.b are still rejected.
    expect(c.rejected.timestamp + c.rejected.value).toBe(6);
    expect(await pointsOf(store, 'ok.a')).toHaveLength(2);
  });
});
