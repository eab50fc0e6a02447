import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A document that is slow to build at times (the Status page's: many Store reads, which wait behind
 * ingest when Redis is busy) but must answer at once: a build that takes longer than `waitMs` is
 * answered with the last one built, with its age, and the build goes on for the next request. Only
 * one build runs at a time, so a polling dashboard cannot pile reads onto a Store that is already slow.
 * With nothing built yet, the first build is waited for.
 */
export class FreshOrLast<T> {
  private building: Promise<T> | undefined;
  private last: { readonly value: T; readonly at: number } | undefined;

  constructor(
    private readonly build: () => Promise<T>,
    private readonly waitMs: number,
  ) {}

  async get(): Promise<{ value: T; ageMs: number }> {
    const building = (this.building ??= this.build()
      .then((value) => {
        this.last = { value, at: Date.now() };
        return value;
      })
      .finally(() => {
        this.building = undefined;
      }));
    if (!this.last) return { value: await building, ageMs: 0 };
    building.catch(() => {}); // answered from the last one; the failure shows when a request waits for a build
    const fresh = await Promise.race([
      building.then(
        (value) => ({ value, ageMs: 0 }),
        () => undefined,
      ),
      sleep(this.waitMs).then(() => undefined),
    ]);
    return fresh ?? { value: this.last.value, ageMs: Date.now() - this.last.at };
  }
}
