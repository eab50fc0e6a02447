/**
 * A figure that is costly to compute and fine a few seconds old (the Status page's count of metrics
 * lists every name: at 10,000 metrics that was the webapp's largest share of the listeners' thread
 * under a dashboard polling twice a second). Computed at most once per `maxAgeMs`, one computation at a time.
 */
export class Throttled<T> {
  private last: { readonly value: T; readonly at: number } | undefined;
  private pending: Promise<T> | undefined;

  constructor(
    private readonly compute: () => Promise<T>,
    private readonly maxAgeMs: number,
  ) {}

  get(): Promise<T> {
    if (this.last && Date.now() - this.last.at < this.maxAgeMs) return Promise.resolve(this.last.value);
    return (this.pending ??= this.compute()
      .then((value) => {
        this.last = { value, at: Date.now() };
        return value;
      })
      .finally(() => {
        this.pending = undefined;
      }));
  }
}
