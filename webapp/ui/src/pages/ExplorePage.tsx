import { useEffect, useMemo, useState } from 'react';
import { api, type GraphiteTarget, type Point } from '../api.js';
import { Chart, type ChartSeries } from '../components/Chart.js';
import { SendDataHint } from '../components/SendDataHint.js';
import { href } from '../route.js';

const RAW: ChartSeries[] = [{ label: 'value', color: '#5fb3f9' }];
const FUNCTIONS = ['avg', 'min', 'max', 'sum', 'count', 'rate', 'last'];
const RANGES = ['-1h', '-6h', '-24h'];

/** Browse any metric: the raw window over a relative range, and rolled-up torus intervals with functions. */
export function ExplorePage({ initialMetric }: { initialMetric: string | null }) {
  const [q, setQ] = useState(initialMetric ?? '');
  const [names, setNames] = useState<{ total: number; metrics: string[] } | null>(null);
  const [metric, setMetric] = useState<string | null>(initialMetric);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const t = setTimeout(() => api.metrics(q).then(setNames, (e: Error) => setError(e.message)), 150);
    return () => clearTimeout(t);
  }, [q]);
  useEffect(() => setMetric(initialMetric), [initialMetric]);

  if (names && names.total === 0 && !q) return <SendDataHint what="No metrics stored yet" />;
  return (
    <div className="split">
      <section className="listpane">
        <div className="toolbar">
          <input placeholder="Search metrics (substring or glob: web.*.latency)" value={q} onChange={(e) => setQ(e.target.value)} aria-label="Search metrics" />
          {names && <span className="count">{names.total.toLocaleString('en-US')} found</span>}
        </div>
        {error && <p className="error" role="alert">{error}</p>}
        <ul className="names" data-testid="metric-list">
          {names?.metrics.map((m) => (
            <li key={m}><a href={href('explore', { metric: m })} className={m === metric ? 'selected' : ''} onClick={() => setMetric(m)}>{m}</a></li>
          ))}
        </ul>
      </section>
      {metric ? <MetricView metric={metric} /> : <section className="detail"><p>Pick a metric on the left.</p></section>}
    </div>
  );
}

function MetricView({ metric }: { metric: string }) {
  const [from, setFrom] = useState('-24h');
  const [until, setUntil] = useState('now');
  const [points, setPoints] = useState<Point[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api.series(metric, from, until).then((r) => live && (setPoints(r.points), setError(null)), (e: Error) => live && setError(e.message));
    return () => { live = false; };
  }, [metric, from, until]);
  const data = useMemo(() => points && ([points.map((p) => p[0]), points.map((p) => p[1])] as [number[], number[]]), [points]);
  return (
    <section className="detail" data-testid="explore-detail">
      <h2 className="metric-name">{metric}</h2>
      <div className="toolbar">
        {RANGES.map((r) => <button key={r} type="button" className={from === r && until === 'now' ? 'on' : ''} onClick={() => { setFrom(r); setUntil('now'); }}>{r.slice(1)}</button>)}
        <label>from <input value={from} onChange={(e) => setFrom(e.target.value)} aria-label="from" /></label>
        <label>until <input value={until} onChange={(e) => setUntil(e.target.value)} aria-label="until" /></label>
        <a href={href('similar', { metric })}>Find similar shapes</a>
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      {data && (data[0].length ? <Chart data={data} series={RAW} height={240} testId="explore-chart" /> : <p>No points in this range.</p>)}
      <TorusView metric={metric} />
    </section>
  );
}

function TorusView({ metric }: { metric: string }) {
  const [fn, setFn] = useState('avg');
  const [interval, setInterval_] = useState('1h');
  const [start, setStart] = useState('2 days ago');
  const [end, setEnd] = useState('now');
  const [targets, setTargets] = useState<GraphiteTarget[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [intervals, setIntervals] = useState<string[] | null>(null);
  const run = () => api.torus({ stat: `${fn}(${metric})`, interval, start, end }).then((t) => { setTargets(t); setError(null); }, (e: Error) => { setTargets(null); setError(e.message); });
  useEffect(() => {
    setTargets(null);
    setError(null);
    api.torusIntervals(metric).then((r) => {
      const names = r.intervals.map((i) => i.interval);
      setIntervals(names);
      if (names.length && !names.includes(interval)) setInterval_(names[0]);
    }, () => setIntervals([]));
  }, [metric]);
  // Every hook runs before any early return: React requires the same hooks on every render (error #300).
  const data = useMemo(() => {
    const t = targets?.[0];
    if (!t) return null;
    return [t.datapoints.map((d) => d[1]), t.datapoints.map((d) => d[0])] as [number[], Array<number | null>];
  }, [targets]);
  if (intervals && intervals.length === 0) {
    return <div className="torus"><h3>Rolled-up intervals</h3><p className="muted">No torus schema stores this metric (see <code>horizon.schemas</code> in the configuration).</p></div>;
  }
  return (
    <div className="torus">
      <h3>Rolled-up intervals</h3>
      <form className="toolbar" onSubmit={(e) => { e.preventDefault(); void run(); }}>
        <select value={fn} onChange={(e) => setFn(e.target.value)} aria-label="function">{FUNCTIONS.map((f) => <option key={f}>{f}</option>)}</select>
        <select value={interval} onChange={(e) => setInterval_(e.target.value)} aria-label="interval">{(intervals ?? [interval]).map((i) => <option key={i}>{i}</option>)}</select>
        <label>start <input value={start} onChange={(e) => setStart(e.target.value)} aria-label="start" /></label>
        <label>end <input value={end} onChange={(e) => setEnd(e.target.value)} aria-label="end" /></label>
        <button type="submit">Show</button>
      </form>
      {error && <p className="error" role="alert">{error}</p>}
      {data && (data[0].length ? <Chart data={data} series={RAW} height={200} testId="torus-chart" /> : <p>No buckets in this range.</p>)}
    </div>
  );
}
