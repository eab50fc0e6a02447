import { afterAll, describe, expect, it } from 'vitest';
import { type DecodeJob, DecodePool, DecodeThreadLost } from '../../../horizon/remoteWrite/decodePool.js';
import { encodeWriteRequest } from '../../../utils/senders/remoteWrite.js';

const T = 1_796_000_000_000;
const job = (value: number): DecodeJob => ({
  body: encodeWriteRequest([{ labels: { __name__: 'up', job: 'kale' }, samples: [[T, value]] }]),
  maxDecodedBytes: 1 << 20,
  template: undefined,
  rateCounters: true,
});

/** The pool's threads, which only a dying process or a bug would end: the test ends one itself. */
const workersOf = (pool: DecodePool) =>
  (pool as unknown as { threads: Array<{ worker: { terminate(): Promise<number> } }> }).threads.map(
    (t) => t.worker,
  );

describe('remote_write decoding threads', () => {
  const pool = new DecodePool(1);
  afterAll(() => pool.close());

  it('a thread that dies with a body in it rejects that body as lost (a 503 to retry), and a new thread decodes the next', async () => {
    expect((await pool.decode(job(1))).values).toEqual(Float64Array.of(1));
    const [worker] = workersOf(pool);
    // terminate() stops the thread's JavaScript before it returns its promise, so a body posted after it can
    // never be decoded; posting first raced a loaded box's thread, which could decode one sample in time.
    const dying = worker.terminate();
    const inFlight = pool.decode(job(2));
    await dying;
    await expect(inFlight).rejects.toBeInstanceOf(DecodeThreadLost);
    await expect(inFlight).rejects.toThrow(/a decoding thread exited/);
    const [replacement] = workersOf(pool);
    expect(replacement).not.toBe(worker);
    expect((await pool.decode(job(3))).values).toEqual(Float64Array.of(3));
  });
});
