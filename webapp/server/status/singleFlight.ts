/** A computation run one at a time, remembering its last result and when it was made. */
export class SingleFlight<T> {
  private pending: Promise<T> | undefined;
  private latest: { readonly value: T; readonly at: number } | undefined;

  constructor(private readonly compute: () => Promise<T>) {}

  /** The computation under way, or a new one. */
  run(): Promise<T> {
    return (this.pending ??= this.compute()
      .then((value) => {
        this.latest = { value, at: Date.now() };
        return value;
      })
      .finally(() => {
        this.pending = undefined;
      }));
  }

  /** The last result and its age in milliseconds; undefined before the first. */
  last(): { readonly value: T; readonly ageMs: number } | undefined {
    return this.latest && { value: this.latest.value, ageMs: Date.now() - this.latest.at };
  }
}
