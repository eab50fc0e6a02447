/** Display helpers: UTC times, compact numbers, and vote counts. */

export const utc = (ts: number) => new Date(ts * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');

export function ago(ts: number, now = Date.now() / 1000): string {
  const s = Math.max(0, Math.round(now - ts));
  if (s < 90) return `${s}s ago`;
  if (s < 5400) return `${Math.round(s / 60)}m ago`;
  if (s < 172800) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86400)}d ago`;
}

export function num(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(3);
  return Number(v.toFixed(3)).toLocaleString('en-US');
}

/** Counts a compact vote string: `y` anomalous, `n` normal, `-` did not run. */
export function voteCount(votes: string): { yes: number; ran: number } {
  let yes = 0;
  let ran = 0;
  for (const c of votes) {
    if (c !== '-') ran++;
    if (c === 'y') yes++;
  }
  return { yes, ran };
}
