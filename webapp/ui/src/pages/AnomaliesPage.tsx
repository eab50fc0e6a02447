import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, votesOf, type AnomalyList, type AnomalyRow, type Point, type Vote } from '../api.js';
import { Chart, type ChartSeries } from '../components/Chart.js';
import { SendDataHint } from '../components/SendDataHint.js';
import { VirtualList } from '../components/VirtualList.js';
import { ago, num, utc, voteCount } from '../format.js';
import { href } from '../route.js';

const ROW = 34;
const REFRESH_MS = 15_000;
const LINE: ChartSeries[] = [{ label: 'value', color: '#5fb3f9' }, { label: 'anomaly', color: '#ff5468', pointsOnly: true }];

/** The anomalies of the analyzer's last cycle: a keyboard-driven list beside the selected metric's charts. */
export function AnomaliesPage() {
  const [list, setList] = useState<AnomalyList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selectedMetric, setSelectedMetric] = useState<string | null>(null);
  const [auto, setAuto] = useState(true);
  const [filter, setFilter] = useState('');

  const load = useCallback(() => {
    api.anomalies().then((r) => { setList(r); setError(null); }, (e: Error) => setError(e.message));
  }, []);
  useEffect(load, [load]);
  useEffect(() => {
    if (!auto) return;
    const t = setInterval(load, REFRESH_MS);
    return () => clearInterval(t);
  }, [auto, load]);

  const rows = list?.rows;
  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return f && rows ? rows.filter((a) => a.metric.toLowerCase().includes(f)) : rows ?? [];
  }, [rows, filter]);
  const selected = Math.max(0, shown.findIndex((a) => a.metric === selectedMetric));
  const current = shown[selected];

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLSelectElement) return;
      if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
      e.preventDefault();
      const next = Math.min(shown.length - 1, Math.max(0, selected + (e.key === 'ArrowDown' ? 1 : -1)));
      if (shown[next]) setSelectedMetric(shown[next].metric);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [shown, selected]);

  if (error && !rows) return <p className="error" role="alert">Could not load anomalies: {error}</p>;
  if (!list || !rows) return <p className="loading">Loading anomalies…</p>;
  if (rows.length === 0) return <SendDataHint what="No anomalies right now" />;

  return (
    <div className="split">
      <section className="listpane">
        <div className="toolbar">
          <input placeholder="Filter metrics" value={filter} onChange={(e) => setFilter(e.target.value)} aria-label="Filter metrics" />
          <label><input type="checkbox" checked={auto} onChange={(e) => setAuto(e.target.checked)} /> auto-refresh</label>
          <span className="count" data-testid="anomaly-count">{shown.length.toLocaleString('en-US')} anomalous</span>
        </div>
        <div className="vhead"><span className="m">metric</span><span className="v">value</span><span className="t">time</span><span className="votes">votes</span></div>
        <VirtualList
          items={shown}
          rowHeight={ROW}
          selected={selected}
          renderRow={(a, i) => {
            const { yes, ran } = voteCount(a.votes);
            return (
              <div className={`arow${i === selected ? ' selected' : ''}`} role="option" aria-selected={i === selected} data-testid="anomaly-row" onClick={() => setSelectedMetric(a.metric)}>
                <span className="m" title={a.metric}>{a.metric}</span>
                <span className="v">{num(a.value)}</span>
                <span className="t" title={utc(a.timestamp)}>{ago(a.timestamp)}</span>
                <span className="votes">{yes}/{ran}</span>
              </div>
            );
          }}
        />
        <p className="hint">↑/↓ to move · refreshes every {REFRESH_MS / 1000}s{error ? ` · last refresh failed: ${error}` : ''}</p>
      </section>
      {current && <AnomalyDetail anomaly={current} votes={votesOf(list, current)} />}
    </div>
  );
}

function AnomalyDetail({ anomaly, votes }: { anomaly: AnomalyRow; votes: Record<string, Vote> }) {
  const [points, setPoints] = useState<Point[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setPoints(null);
    api.series(anomaly.metric, String(anomaly.timestamp - 86400)).then(
      (r) => live && (setPoints(r.points), setError(null)),
      (e: Error) => live && setError(e.message),
    );
    return () => { live = false; };
  }, [anomaly.metric, anomaly.timestamp]);

  const day = useMemo(() => points && marked(points, anomaly), [points, anomaly]);
  const hour = useMemo(() => points && marked(points.filter(([t]) => t >= anomaly.timestamp - 3600 && t <= anomaly.timestamp + 600), anomaly), [points, anomaly]);

  return (
    <section className="detail" data-testid="anomaly-detail">
      <h2 className="metric-name">{anomaly.metric}</h2>
      <p className="facts">
        value <b>{num(anomaly.value)}</b> at {utc(anomaly.timestamp)} · score {anomaly.score.toFixed(2)} · preset {anomaly.preset}
        {' · '}<a href={href('similar', { metric: anomaly.metric })}>Find similar shapes</a>
        {' · '}<a href={href('explore', { metric: anomaly.metric })}>Explore</a>
      </p>
      <ul className="votes-list">
        {Object.entries(votes).map(([name, v]) => (
          <li key={name} className={v === true ? 'yes' : v === false ? 'no' : 'na'}>{name}</li>
        ))}
      </ul>
      {error && <p className="error" role="alert">{error}</p>}
      {!points && !error && <p className="loading">Loading series…</p>}
      {hour && <><h3>Last hour</h3><Chart data={hour} series={LINE} height={200} testId="chart-1h" /></>}
      {day && <><h3>Last 24 hours</h3><Chart data={day} series={LINE} height={200} testId="chart-24h" /></>}
    </section>
  );
}

/** uPlot data with a second series holding only the anomalous point. */
function marked(points: Point[], a: AnomalyRow): [number[], number[], Array<number | null>] {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  if (!xs.includes(a.timestamp)) {
    const at = xs.findIndex((t) => t > a.timestamp);
    const i = at < 0 ? xs.length : at;
    xs.splice(i, 0, a.timestamp);
    ys.splice(i, 0, a.value);
  }
  return [xs, ys, xs.map((t) => (t === a.timestamp ? a.value : null))];
}
