import fc from 'fast-check';
import { compressSync, uncompressSync } from 'snappy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedStore } from '../../core/store/embeddedStore.js';
import { encodeWriteRequest, REMOTE_WRITE_HEADERS } from '../../utils/senders/remoteWrite.js';
import { startTestHorizon, testConfig } from './support.js';

// Malformed snappy and protobuf against a running remote_write listener (fast-check, seeded): every
// body is answered, 204 (the bytes happened to form a WriteRequest) or 400, never a 500 and never a
// hang; the listener serves a good body afterwards.
const SEED = Number(process.env.KALE_FUZZ_SEED ?? 20261203);
const RUNS = 150;
const store = EmbeddedStore.open();
let horizon: Awaited<ReturnType<typeof startTestHorizon>>;
let url: string;

beforeAll(async () => {
  horizon = await startTestHorizon(store, testConfig({ remoteWritePort: 0 }));
  url = `http://127.0.0.1:${horizon.endpoints.remoteWrite}/api/v1/write`;
});
afterAll(async () => {
  await horizon.stop();
  await store.close();
});

const now = Date.now();
const valid = encodeWriteRequest(
  [
    {
      labels: { __name__: 'fuzz_gauge', job: 'j', instance: 'i:1' },
      samples: [
        [now, 1.5],
        [now + 1000, 2],
      ],
    },
    {
      labels: { __name__: 'fuzz_total' },
      samples: [
        [now, 1],
        [now + 1000, 3],
      ],
    },
  ],
  [{ type: 1, metricFamilyName: 'fuzz_total' }],
);
const validRaw = uncompressSync(valid, { asBuffer: true }) as Buffer;

/** Posts a body; a 10 s timeout turns a hang into a failure. */
async function answer(body: Uint8Array): Promise<{ status: number; text: string }> {
  const res = await fetch(url, {
    method: 'POST',
    body: new Uint8Array(body),
    headers: REMOTE_WRITE_HEADERS,
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, text: await res.text() };
}

/** Edits at positions within `base`: overwrite a byte, or cut the body there. */
const edits = (base: Uint8Array) =>
  fc.array(
    fc.record({ at: fc.nat(base.length - 1), byte: fc.integer({ min: 0, max: 255 }), cut: fc.boolean() }),
    { minLength: 1, maxLength: 6 },
  );
function applyEdits(
  base: Uint8Array,
  list: ReadonlyArray<{ at: number; byte: number; cut: boolean }>,
): Buffer {
  let b = Buffer.from(base);
  for (const e of list) {
    if (e.cut) b = b.subarray(0, Math.min(e.at, b.length));
    else if (e.at < b.length) b[e.at] = e.byte;
  }
  return b;
}

function snappyDecodes(body: Uint8Array): boolean {
  try {
    uncompressSync(body, { asBuffer: true });
    return true;
  } catch {
    return false;
  }
}

const expectAnswered = (r: { status: number; text: string }) => {
  expect([204, 400]).toContain(r.status);
  if (r.status === 400)
    expect(r.text).toMatch(/not Snappy-compressed|not a protobuf prometheus\.WriteRequest/);
};

describe(`remote_write fuzzing (fast-check seed ${SEED})`, () => {
  it('random bytes: answered, and only a body the snappy codec takes can be a 204', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), async (body) => {
        const r = await answer(body);
        expectAnswered(r);
        // Random bytes can be a valid (short) block; only a body the codec takes may be a 204.
        if (r.status === 204) expect(snappyDecodes(body)).toBe(true);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('a valid body mutated after compression (malformed snappy): answered, never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(edits(valid), async (list) => expectAnswered(await answer(applyEdits(valid, list)))),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('a valid WriteRequest mutated before compression (malformed protobuf): answered, never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(edits(validRaw), async (list) =>
        expectAnswered(await answer(compressSync(applyEdits(validRaw, list)))),
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('random bytes, validly compressed: answered, never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 1024 }), async (raw) =>
        expectAnswered(await answer(compressSync(Buffer.from(raw)))),
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('still serves a good body afterwards', async () => {
    expect((await answer(valid)).status).toBe(204);
  });
});
