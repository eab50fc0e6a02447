/** The k smallest scores seen so far, ascending; ties keep the earlier item. */
export class TopK<T> {
  private readonly items: Array<{ score: number; item: T }> = [];
  /**
   * The score a newcomer must beat: the k-th best so far, or Infinity while fewer than k are held.
   * A field, not a getter: a scan reads it for every row.
   */
  worst = Infinity;

  constructor(readonly k: number) {}

  offer(score: number, item: T): void {
    if (!(score < this.worst)) return;
    let i = this.items.length;
    while (i > 0 && this.items[i - 1].score > score) i--;
    this.items.splice(i, 0, { score, item });
    if (this.items.length > this.k) this.items.pop();
    if (this.items.length === this.k) this.worst = this.items[this.k - 1].score;
  }

  sorted(): ReadonlyArray<{ score: number; item: T }> {
    return this.items;
  }
}
