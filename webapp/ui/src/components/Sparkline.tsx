/** A small line of [time, value] pairs drawn as SVG, scaled to its own range from zero; it shrinks to fit its cell. */
export function Sparkline({
  points,
  label,
  width = 160,
  height = 32,
  color = '#5fb3f9',
}: {
  points: Array<[number, number]>;
  label: string;
  width?: number;
  height?: number;
  color?: string;
}) {
  if (points.length < 2) return <span className="muted spark-empty">no data this hour</span>;
  const t0 = points[0][0];
  const span = points[points.length - 1][0] - t0 || 1;
  const max = Math.max(...points.map((p) => p[1])) || 1;
  const d = points
    .map(
      ([t, v], i) =>
        `${i ? 'L' : 'M'}${(((t - t0) / span) * (width - 2) + 1).toFixed(1)},${(height - 1 - (v / max) * (height - 2)).toFixed(1)}`,
    )
    .join('');
  return (
    <svg
      className="spark"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      preserveAspectRatio="none"
      role="img"
      aria-label={label}
    >
      <title>{label}</title>
      <path d={d} fill="none" stroke={color} strokeWidth={1.5} />
    </svg>
  );
}
