import { describe, expect, it } from 'vitest';
import { FreshOrLast } from '../../webapp/server/status/freshOrLast.js';

/** A build whose every call after the first waits until released; counts its calls. */
function gatedBuild() {
  const gates: Array<() => void> = [];
  let calls = 0;
  const build = async () => {
    const n = ++calls;
    if (n > 1) await new Promise<void>((resolve) => gates.push(resolve));
    return n;
  };
  return { build, release: () => gates.shift()?.(), calls: () => calls };
}

const settle = () => new Promise((r) => setTimeout(r, 5));

describe('FreshOrLast', () => {
  it('waits for the first build', async () => {
    const doc = new FreshOrLast(async () => 'first', 10, 60_000);
    expect(await doc.get()).toEqual({ value: 'first', ageMs: 0 });
  });

  it('primed, has the first document built before the first request', async () => {
    let calls = 0;
    const doc = new FreshOrLast(async () => ++calls, 10, 60_000);
    doc.prime();
    await settle();
    expect(calls).toBe(1);
    expect((await doc.get()).value).toBe(1);
  });

  it('answers a young document at once and builds the next one behind it, one build at a time', async () => {
    const b = gatedBuild();
    const doc = new FreshOrLast(b.build, 10_000, 60_000);
    await doc.get();
    // The second build never finishes until released, and the waits are long: only the young path can answer.
    expect((await doc.get()).value).toBe(1);
    expect((await doc.get()).value).toBe(1);
    expect(b.calls()).toBe(2);
    b.release();
    await settle();
    expect((await doc.get()).value).toBe(2);
  });

  it('has an old document wait for a fresh build, and answers the last one when the build is slow', async () => {
    const b = gatedBuild();
    const doc = new FreshOrLast(b.build, 20, 0);
    await doc.get();
    const answered = doc.get();
    b.release();
    expect(await answered).toEqual({ value: 2, ageMs: 0 });
    // Build 3 is never released within the wait: the last one built answers, with its age (not as fresh).
    const slow = await doc.get();
    expect(slow.value).toBe(2);
    expect(slow.ageMs).toBeGreaterThan(0);
    expect(b.calls()).toBe(3);
  });
});
