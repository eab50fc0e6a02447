import { afterEach, describe, expect, it } from 'vitest';
import { ReadPacer, registerIngestBacklog } from '../../core/store/readPacer.js';

// A reader that keeps its thread busy (decoding, shape building) far past a share of 0.1, so a pacer
// that shares the thread must pause before every batch after the first.
const OPTIONS = {
  batch: 1,
  batchBytes: 2 ** 20,
  inFlight: 1,
  backlogMark: 1_000,
  maxWaitMs: 50,
  threadShare: 0.1,
};
const NAMES = ['a', 'b', 'c', 'd', 'e', 'f'];

function keepBusy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/** One pass over NAMES; returns the milliseconds the pacer paused. */
async function pass(pacer: ReadPacer): Promise<number> {
  for await (const _ of pacer.batches(NAMES, async (batch) => batch)) keepBusy(5);
  return pacer.waitedMs;
}

describe('ReadPacer: the thread share applies only while this process runs an ingest', () => {
  let unregister: (() => void) | undefined;
  afterEach(() => {
    unregister?.();
    unregister = undefined;
  });

  it('a process with no ingest (kale oculus, kale analyzer alone) reads without pausing', async () => {
    expect(await pass(new ReadPacer(OPTIONS))).toBe(0);
  });

  it('a process whose writer registered its backlog (kale start) pauses for the thread share', async () => {
    unregister = registerIngestBacklog(() => 0);
    expect(await pass(new ReadPacer(OPTIONS))).toBeGreaterThan(0);
  });

  it('stops pausing once the ingest is gone, and starts when one appears mid-pass', async () => {
    const pacer = new ReadPacer(OPTIONS);
    unregister = registerIngestBacklog(() => 0);
    const shared = await pass(pacer);
    expect(shared).toBeGreaterThan(0);
    unregister();
    unregister = undefined;
    expect(await pass(pacer)).toBe(shared);
    let seen = 0;
    for await (const _ of pacer.batches(NAMES, async (batch) => batch)) {
      keepBusy(5);
      if (++seen === 2) unregister = registerIngestBacklog(() => 0);
    }
    expect(pacer.waitedMs).toBeGreaterThan(shared);
  });
});

describe('ReadPacer: batches sized by bytes', () => {
  // Each name reads as 1,000 bytes; a read command may return 2,500.
  const read = async (batch: string[]) => batch.map(() => new Uint8Array(1_000));
  const bytes = (value: Uint8Array[]) => value.reduce((n, v) => n + v.length, 0);
  const names = Array.from({ length: 12 }, (_, i) => `m${i}`);
  const options = { ...OPTIONS, batch: 5, batchBytes: 2_500, threadShare: 1 };

  it('takes the full batch until it has seen a read, then as many names as fit the budget, in later passes too', async () => {
    const pacer = new ReadPacer(options);
    const sizes = async (pass: string[]) => {
      const out: number[] = [];
      for await (const { names: batch } of pacer.batches(pass, read, bytes)) out.push(batch.length);
      return out;
    };
    expect(await sizes(names)).toEqual([5, 2, 2, 2, 1]);
    // The analyzer reads each chunk in a pass of its own: the next pass starts at the size it learnt.
    expect(await sizes(names.slice(0, 5))).toEqual([2, 2, 1]);
  });

  it('reads whole batches without a size, and never fewer than one name however large', async () => {
    const sizes: number[] = [];
    for await (const { names: batch } of new ReadPacer(options).batches(names, read))
      sizes.push(batch.length);
    expect(sizes).toEqual([5, 5, 2]);
    const one = await new ReadPacer({ ...options, batchBytes: 10 }).readAll(names, read, bytes);
    expect(one).toHaveLength(12);
  });
});
