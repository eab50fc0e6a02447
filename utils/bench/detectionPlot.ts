import fs from 'node:fs';
import path from 'node:path';
import { labelledEpisodes } from './nabScore.js';
import type { LabelledSeries } from './labelledCsv.js';

export interface PlottedFile {
  readonly series: LabelledSeries;
  /** Flagged rows per preset, in the order the presets were asked for. */
  readonly flagged: ReadonlyArray<{
    readonly preset: string;
    readonly rows: ArrayLike<boolean>;
    readonly summary: string;
  }>;
}

const WIDTH = 1200;
const PLOT_HEIGHT = 220;
const LANE = 18;
/** Room on the left for the preset names of the detection lanes. */
const LEFT = 56;
const COLOURS = ['#d62728', '#1f77b4', '#2ca02c', '#9467bd', '#ff7f0e'];

/**
 * One self-contained HTML page (inline SVG, no scripts) with, per file: the series, its labelled
 * episodes shaded, and one lane of detection ticks per preset. Returns the path written.
 */
export function writeDetectionPlot(dir: string, title: string, files: ReadonlyArray<PlottedFile>): string {
  fs.mkdirSync(dir, { recursive: true });
  const out = path.join(dir, 'detection-worst.html');
  const body = files.map(svgFor).join('\n');
  fs.writeFileSync(
    out,
    `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font:13px system-ui,sans-serif;margin:16px}h2{font-size:14px;margin:18px 0 4px}p{margin:2px 0}</style>
</head><body><h1 style="font-size:16px">${esc(title)}</h1>
<p>Grey bands: labelled anomalies. Ticks under the series: rows each preset flagged.</p>
${body}</body></html>\n`,
  );
  return out;
}

function svgFor({ series, flagged }: PlottedFile): string {
  const n = series.values.length;
  const height = PLOT_HEIGHT + LANE * flagged.length + 8;
  const x = (i: number) => LEFT + (n <= 1 ? 0 : (i / (n - 1)) * (WIDTH - LEFT));
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of series.values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const span = hi - lo || 1;
  const y = (v: number) => PLOT_HEIGHT - 4 - ((v - lo) / span) * (PLOT_HEIGHT - 8);
  const bands = labelledEpisodes(series.labels)
    .map(
      (e) =>
        `<rect x="${x(e.start) - 1}" y="0" width="${Math.max(2, x(e.end) - x(e.start) + 2)}" height="${PLOT_HEIGHT}" fill="#ccc"/>`,
    )
    .join('');
  const lanes = flagged
    .map((f, k) => {
      const top = PLOT_HEIGHT + 4 + k * LANE;
      const colour = COLOURS[k % COLOURS.length];
      let ticks = '';
      for (let i = 0; i < n; i++) if (f.rows[i]) ticks += `M${x(i).toFixed(1)} ${top}v${LANE - 6}`;
      return `<text x="2" y="${top + 11}" font-size="10" fill="${colour}">${esc(f.preset)}</text><path d="${ticks}" stroke="${colour}" stroke-width="1.5"/>`;
    })
    .join('');
  const summaries = flagged.map((f) => `<p><b>${esc(f.preset)}</b>: ${esc(f.summary)}</p>`).join('');
  return `<h2>${esc(series.file)}</h2>${summaries}
<svg width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" xmlns="http://www.w3.org/2000/svg">
${bands}<path d="${linePath(series.values, x, y)}" fill="none" stroke="#333" stroke-width="1"/>${lanes}</svg>`;
}

/** The series as a path, reduced to min and max per pixel column so long series stay small. */
function linePath(values: Float64Array, x: (i: number) => number, y: (v: number) => number): string {
  const n = values.length;
  const perColumn = Math.max(1, Math.floor(n / (WIDTH - LEFT)));
  const parts: string[] = [];
  for (let i = 0; i < n; i += perColumn) {
    let lo = values[i];
    let hi = values[i];
    for (let j = i + 1; j < Math.min(n, i + perColumn); j++) {
      if (values[j] < lo) lo = values[j];
      if (values[j] > hi) hi = values[j];
    }
    const px = x(i).toFixed(1);
    parts.push(`${parts.length ? 'L' : 'M'}${px} ${y(hi).toFixed(1)}`);
    if (lo !== hi) parts.push(`L${px} ${y(lo).toFixed(1)}`);
  }
  return parts.join('');
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
