/** Display helpers: UTC times, human ages and durations, compact numbers, and vote counts. */

export const utc = (ts: number) =>
  new Date(ts * 1000)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');

/** "42 s", "3 min", "2 h", "4 d"; under a second, "250 ms". */
export function duration(seconds: number): string {
  const s = Math.abs(seconds);
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 90) return `${s < 10 ? Math.round(s * 10) / 10 : Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}

/** "3 min ago" (or "in 3 min" for a time ahead). */
export function ago(ts: number, now = Date.now() / 1000): string {
  const d = now - ts;
  if (Math.abs(d) < 1) return 'just now';
  return d >= 0 ? `${duration(Math.round(d))} ago` : `in ${duration(Math.round(-d))}`;
}

export function num(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(3);
  return Number(v.toFixed(3)).toLocaleString('en-US');
}

/** A rate or a measurement shown at a glance: three significant digits, thousands separated. */
export function short(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e9) return `${(v / 1e9).toPrecision(3)}G`;
  if (a >= 1e6) return `${(v / 1e6).toPrecision(3)}M`;
  if (a >= 1000) return Math.round(v).toLocaleString('en-US');
  return String(Number(v.toPrecision(3)));
}

/** Counts a compact vote string: `y` anomalous, `n` normal, `-` did not judge. */
export function voteCount(votes: string): { yes: number; judged: number } {
  let yes = 0;
  let judged = 0;
  for (const c of votes) {
    if (c !== '-') judged++;
    if (c === 'y') yes++;
  }
  return { yes, judged };
}
