import { useEffect, useMemo, useState } from 'react';
import { api, type AnomalyRecord, type GraphiteTarget, type Point } from '../api.js';
import { bucketsWithMarks, nearestMark, withMarks } from '../chartData.js';
import { Chart, type ChartSeries } from '../components/Chart.js';
import { SendDataHint } from '../components/SendDataHint.js';
import { ago, num, utc } from '../format.js';
import { anomalyHref, href } from '../route.js';

const MARKED: ChartSeries[] = [
  { label: 'value', color: '#5fb3f9' },
  { label: 'anomaly', color: '#ff5468', pointsOnly: true },
];
/** How close (in pixels) a click must land to a marker to open that anomaly. */
const PICK_PX = 8;
const FUNCTIONS = ['avg', 'min', 'max', 'sum', 'count', 'rate', 'last'];
const RANGES = ['-1h', '-6h', '-24h'];

/** Browse any metric: the raw window over a relative range, and rolled-up torus intervals with functions. */
export function ExplorePage({
  initialMetric,
  range,
}: {
  initialMetric: string | null;
  range: { from: string | null; until: string | null };
}) {
  const [q, setQ] = useState(initialMetric ?? '');
  const [names, setNames] = useState<{ total: number; metrics: string[] } | null>(null);
  const [metric, setMetric] = useState<string | null>(initialMetric);
  const [from, setFrom] = useState(range.from ?? '-24h');
  const [until, setUntil] = useState(range.until ?? 'now');
  useEffect(() => {
    if (range.from) setFrom(range.from);
    if (range.until) setUntil(range.until);
  }, [range.from, range.until]);
  // The range lives in the address, so a reload or a shared link shows the same view.
  useEffect(() => {
    if (metric) history.replaceState(null, '', href('explore', { metric, from, until }));
  }, [metric, from, until]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const t = setTimeout(() => api.metrics(q).then(setNames, (e: Error) => setError(e.message)), 150);
    return () => clearTimeout(t);
  }, [q]);
  useEffect(() => setMetric(initialMetric), [initialMetric]);

  if (names && names.total === 0 && !q) return <SendDataHint what="No metrics stored yet" />;
  return (
    <div className="split">
      <section className="listpane" aria-label="Metrics">
        <div className="toolbar">
          <input
            placeholder="Search metrics (substring or glob: web.*.latency)"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            aria-label="Search metrics"
          />
          {names && <span className="count">{names.total.toLocaleString('en-US')} found</span>}
        </div>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <ul className="names" data-testid="metric-list">
          {names?.metrics.map((m) => (
            <li key={m}>
              <a
                href={href('explore', { metric: m, from, until })}
                className={m === metric ? 'selected' : ''}
                onClick={() => setMetric(m)}
              >
                {m}
              </a>
            </li>
          ))}
        </ul>
      </section>
      {metric ? (
        <MetricView
          metric={metric}
          from={from}
          until={until}
          setRange={(f, u) => {
            setFrom(f);
            setUntil(u);
          }}
        />
      ) : (
        <section className="detail">
          <p>Pick a metric on the left.</p>
        </section>
      )}
    </div>
  );
}

interface MetricViewProps {
  metric: string;
  from: string;
  until: string;
  setRange: (from: string, until: string) => void;
}

function MetricView({ metric, from, until, setRange }: MetricViewProps) {
  const [points, setPoints] = useState<Point[] | null>(null);
  const [anomalies, setAnomalies] = useState<AnomalyRecord[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api.series(metric, from, until).then(
      (r) => {
        if (!live) return;
        setPoints(r.points);
        setError(null);
      },
      (e: Error) => live && setError(e.message),
    );
    api.history({ metric, from, until, limit: 1000 }).then(
      (r) => live && setAnomalies(onePerPoint(r.anomalies)),
      () => live && setAnomalies([]),
    );
    return () => {
      live = false;
    };
  }, [metric, from, until]);
  const data = useMemo(() => points && withMarks(points, anomalies), [points, anomalies]);
  const open = (t: number, secondsPerPixel: number) => {
    const a = nearestMark(anomalies, t, secondsPerPixel * PICK_PX);
    if (a) location.hash = anomalyHref(a.metric, a.timestamp);
  };
  return (
    <section className="detail" data-testid="explore-detail">
      <h2 className="metric-name">{metric}</h2>
      <div className="toolbar">
        {RANGES.map((r) => (
          <button
            key={r}
            type="button"
            className={from === r && until === 'now' ? 'on' : ''}
            aria-pressed={from === r && until === 'now'}
            onClick={() => setRange(r, 'now')}
          >
            {r.slice(1)}
          </button>
        ))}
        <label>
          from <input value={from} onChange={(e) => setRange(e.target.value, until)} aria-label="from" />
        </label>
        <label>
          until <input value={until} onChange={(e) => setRange(from, e.target.value)} aria-label="until" />
        </label>
        <a href={href('similar', { metric })}>Find similar shapes</a>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {data &&
        (data[0].length ? (
          <Chart data={data} series={MARKED} height={240} testId="explore-chart" onPick={open} />
        ) : (
          <p>No points in this range.</p>
        ))}
      <PastAnomalies anomalies={anomalies} />
      <TorusView metric={metric} anomalies={anomalies} onPick={open} />
    </section>
  );
}

/** The analyzer records an anomalous point again on every cycle while it stays the latest: keep the last record of each. */
function onePerPoint(records: AnomalyRecord[]): AnomalyRecord[] {
  return [...new Map(records.map((r) => [r.timestamp, r])).values()];
}

/** The metric's anomalies in the range, newest first, each opening its detail (the chart's red markers). */
function PastAnomalies({ anomalies }: { anomalies: AnomalyRecord[] }) {
  if (anomalies.length === 0)
    return (
      <p className="muted" data-testid="past-anomalies">
        No anomalies recorded in this range.
      </p>
    );
  const newest = [...anomalies].sort((a, b) => b.timestamp - a.timestamp);
  return (
    <details className="past" data-testid="past-anomalies" open={anomalies.length <= 5}>
      <summary>
        {anomalies.length} {anomalies.length === 1 ? 'anomaly' : 'anomalies'} in this range (red markers;
        click one to open it)
      </summary>
      <ul>
        {newest.map((a) => (
          <li key={`${a.timestamp}:${a.episode}`}>
            <a href={anomalyHref(a.metric, a.timestamp)} data-testid="past-anomaly">
              {utc(a.timestamp)}
            </a>{' '}
            <span className="muted">
              {ago(a.timestamp)} · value {num(a.value)} · score {a.score.toFixed(2)}
            </span>
          </li>
        ))}
      </ul>
    </details>
  );
}

function TorusView({
  metric,
  anomalies,
  onPick,
}: {
  metric: string;
  anomalies: AnomalyRecord[];
  onPick: (t: number, secondsPerPixel: number) => void;
}) {
  const [fn, setFn] = useState('avg');
  const [interval, setInterval_] = useState('1h');
  const [start, setStart] = useState('2 days ago');
  const [end, setEnd] = useState('now');
  const [targets, setTargets] = useState<GraphiteTarget[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [intervals, setIntervals] = useState<Array<{ interval: string; step: number }> | null>(null);
  const run = () =>
    api.torus({ stat: `${fn}(${metric})`, interval, start, end }).then(
      (t) => {
        setTargets(t);
        setError(null);
      },
      (e: Error) => {
        setTargets(null);
        setError(e.message);
      },
    );
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new metric resets the view; the chosen interval is only read, to keep it when the metric has it.
  useEffect(() => {
    setTargets(null);
    setError(null);
    api.torusIntervals(metric).then(
      (r) => {
        setIntervals(r.intervals);
        const names = r.intervals.map((i) => i.interval);
        if (names.length && !names.includes(interval)) setInterval_(names[0]);
      },
      () => setIntervals([]),
    );
  }, [metric]);
  const step = intervals?.find((i) => i.interval === interval)?.step ?? 0;
  // Every hook runs before any early return: React requires the same hooks on every render (error #300).
  const data = useMemo(() => {
    const t = targets?.[0];
    return t ? bucketsWithMarks(t.datapoints, step, anomalies) : null;
  }, [targets, step, anomalies]);
  if (intervals && intervals.length === 0) {
    return (
      <div className="torus">
        <h3>Rolled-up intervals</h3>
        <p className="muted">
          No torus schema stores this metric (see <code>horizon.schemas</code> in the configuration).
        </p>
      </div>
    );
  }
  return (
    <div className="torus">
      <h3>Rolled-up intervals</h3>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <select value={fn} onChange={(e) => setFn(e.target.value)} aria-label="function">
          {FUNCTIONS.map((f) => (
            <option key={f}>{f}</option>
          ))}
        </select>
        <select value={interval} onChange={(e) => setInterval_(e.target.value)} aria-label="interval">
          {(intervals?.map((i) => i.interval) ?? [interval]).map((i) => (
            <option key={i}>{i}</option>
          ))}
        </select>
        <label>
          start <input value={start} onChange={(e) => setStart(e.target.value)} aria-label="start" />
        </label>
        <label>
          end <input value={end} onChange={(e) => setEnd(e.target.value)} aria-label="end" />
        </label>
        <button type="submit">Show</button>
      </form>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {data &&
        (data[0].length ? (
          <Chart
            data={data}
            series={MARKED}
            height={200}
            testId="torus-chart"
            onPick={(t, spp) => onPick(t + step / 2, spp + step / 2 / PICK_PX)}
          />
        ) : (
          <p>No buckets in this range.</p>
        ))}
    </div>
  );
}
