/** Small helpers for benchmark reporting: medians and percentiles of repeated measurements. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

export const median = (values: readonly number[]) => percentile(values, 50);

/** Prints the benchmark's one result line: JSON with --json, otherwise `key=value` pairs. */
export function printResult(result: Record<string, unknown>, json: boolean | undefined): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const fmt = (v: unknown) =>
    typeof v === 'number' ? (Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(3)) : String(v);
  // Nested results (per backend, per window) print as prefixed keys: embedded_dtw_p95_ms=…
  const flat = (o: Record<string, unknown>, prefix = ''): string[] =>
    Object.entries(o).flatMap(([k, v]) =>
      v !== null && typeof v === 'object' && !Array.isArray(v)
        ? flat(v as Record<string, unknown>, `${prefix}${k}_`)
        : [`${prefix}${k}=${fmt(v)}`],
    );
  process.stdout.write(`${flat(result).join(' ')}\n`);
}

/** A progress line on stderr that rewrites itself, for long runs. */
export function progress(label: string, done: number, total: number): void {
  if (!process.stderr.isTTY) return;
  const pct = total ? Math.floor((done / total) * 100) : 100;
  process.stderr.write(
    `\r${label} ${pct}% (${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')})`,
  );
  if (done >= total) process.stderr.write('\n');
}
