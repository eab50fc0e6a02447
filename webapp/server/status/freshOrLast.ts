import { setTimeout as sleep } from 'node:timers/promises';
import { SingleFlight } from './singleFlight.js';

/**
 * A document that is slow to build at times (the Status page's: many Store reads, which wait behind
 * ingest when Redis is busy) but must answer at once:
 * - a document built less than `youngMs` ago is answered as it is, and a build starts behind it for
 *   the next request (a dashboard polling twice a second sees documents about half a second old, and
 *   no request waits for the Store);
 * - an older one waits up to `waitMs` for a fresh build, then is answered with the last one built,
 *   with its age, and the build goes on for the next request;
 * - with nothing built yet, the first build is waited for (`prime` starts it before the first request).
 * Only one build runs at a time, so a polling dashboard cannot pile reads onto a Store that is already slow.
 */
export class FreshOrLast<T> {
  private readonly flight: SingleFlight<T>;

  constructor(
    build: () => Promise<T>,
    private readonly waitMs: number,
    private readonly youngMs: number,
  ) {
    this.flight = new SingleFlight(build);
  }

  /** Starts the first build before anyone asks, so that the first request finds a document. */
  prime(): void {
    this.flight.run().catch(() => {}); // a failed build is retried by the first request
  }

  async get(): Promise<{ value: T; ageMs: number }> {
    const building = this.flight.run();
    const last = this.flight.last();
    if (!last) return { value: await building, ageMs: 0 };
    building.catch(() => {}); // answered from the last one; the failure shows when a request waits for a build
    if (last.ageMs < this.youngMs) return last;
    const fresh = await Promise.race([
      building.then(
        (value) => ({ value, ageMs: 0 }),
        () => undefined,
      ),
      sleep(this.waitMs).then(() => undefined),
    ]);
    return fresh ?? this.flight.last()!;
  }
}
