import { SingleFlight } from './singleFlight.js';

/**
 * A figure that is costly to compute and fine a few seconds old (the Status page's count of metrics
 * lists every name: at 10,000 metrics that was the webapp's largest share of the listeners' thread
 * under a dashboard polling twice a second). Computed at most once per `maxAgeMs`, one computation at a time.
 */
export class Throttled<T> {
  private readonly flight: SingleFlight<T>;

  constructor(
    compute: () => Promise<T>,
    private readonly maxAgeMs: number,
  ) {
    this.flight = new SingleFlight(compute);
  }

  get(): Promise<T> {
    const last = this.flight.last();
    return last && last.ageMs < this.maxAgeMs ? Promise.resolve(last.value) : this.flight.run();
  }
}
