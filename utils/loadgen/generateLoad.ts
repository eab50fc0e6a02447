import type { NamedPoint, Sender } from '../senders/sender.js';

export interface LoadOptions {
  readonly sender: Sender;
  readonly names: ReadonlyArray<string>;
  /** Points per second. */
  readonly rate: number;
  readonly durationSeconds: number;
  /** Points per send call (the sender splits them into frames or datagrams). */
  readonly batch: number;
  readonly onProgress?: (sent: number, total: number) => void;
}

export interface LoadResult {
  readonly sent: number;
  readonly seconds: number;
}

/**
 * Sends `rate × duration` points, evenly paced: each turn sends what the schedule says is due, so a
 * slow turn is caught up by the next rather than lowering the rate. Point k goes to `names[k % M]`
 * with the current second as timestamp and k as value.
 */
export async function generateLoad(opts: LoadOptions): Promise<LoadResult> {
  const total = Math.round(opts.rate * opts.durationSeconds);
  const start = performance.now();
  let sent = 0;
  let lastReport = 0;
  while (sent < total) {
    const elapsed = (performance.now() - start) / 1000;
    const due = Math.min(total, Math.floor(opts.rate * elapsed));
    if (due <= sent) {
      await new Promise((r) =>
        setTimeout(r, Math.max(1, Math.ceil(((sent + 1) / opts.rate - elapsed) * 1000))),
      );
      continue;
    }
    const n = Math.min(due - sent, opts.batch);
    const ts = Math.floor(Date.now() / 1000);
    const points: NamedPoint[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const k = sent + i;
      points[i] = { name: opts.names[k % opts.names.length], ts, value: k };
    }
    await opts.sender.send(points);
    sent += n;
    if (opts.onProgress && (elapsed - lastReport >= 0.5 || sent === total)) {
      lastReport = elapsed;
      opts.onProgress(sent, total);
    }
  }
  await opts.sender.close();
  return { sent, seconds: (performance.now() - start) / 1000 };
}
