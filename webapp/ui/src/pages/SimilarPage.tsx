import { useEffect, useMemo, useState } from 'react';
import { api, type Collection, type SimilarAnswer, type SimilarOptions, type SimilarResult } from '../api.js';
import { Chart, type ChartSeries } from '../components/Chart.js';
import { ShapePad } from '../components/ShapePad.js';
import { href } from '../route.js';

const OVERLAY: ChartSeries[] = [{ label: 'result', color: '#5fb3f9' }, { label: 'query', color: '#f5b342', dash: [4, 3] }];

/** z-normalises so a result and the query share one axis whatever their levels. */
function znorm(v: number[]): number[] {
  const mean = v.reduce((a, b) => a + b, 0) / (v.length || 1);
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length || 1)) || 1;
  return v.map((x) => (x - mean) / sd);
}

/** Resamples to n points by linear interpolation, so the query overlays a result of any length. */
function resample(v: number[], n: number): number[] {
  if (v.length === n || v.length < 2) return v;
  return Array.from({ length: n }, (_, i) => {
    const x = (i * (v.length - 1)) / (n - 1);
    const lo = Math.floor(x);
    const hi = Math.min(v.length - 1, lo + 1);
    return v[lo] + (v[hi] - v[lo]) * (x - lo);
  });
}

/** Similar shapes, searched by a metric's name or by a drawn shape, shown as small multiples. */
export function SimilarPage({ initialMetric }: { initialMetric: string | null }) {
  const [mode, setMode] = useState<'metric' | 'draw'>(initialMetric || !location.hash.includes('draw') ? 'metric' : 'draw');
  const [metric, setMetric] = useState(initialMetric ?? '');
  const [shape, setShape] = useState<number[] | null>(null);
  const [opts, setOpts] = useState<SimilarOptions>({ scorer: 'euclidean', k: 20, window: '1h', exclude: '' });
  const [answer, setAnswer] = useState<SimilarAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const search = async () => {
    setBusy(true);
    setError(null);
    try {
      if (mode === 'metric') setAnswer(await api.similarByMetric(metric.trim(), opts));
      else if (shape) setAnswer(await api.similarByShape(shape, opts));
      else setError('Draw a shape first: press and drag across the pad.');
    } catch (e) {
      setAnswer(null);
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  useEffect(() => {
    if (initialMetric) { setMode('metric'); setMetric(initialMetric); }
  }, [initialMetric]);
  useEffect(() => {
    if (initialMetric && mode === 'metric') void search();
  }, [initialMetric]);

  return (
    <div className="similar" data-testid="similar-page">
      <form className="toolbar" onSubmit={(e) => { e.preventDefault(); void search(); }}>
        <span className="tabs">
          <button type="button" className={mode === 'metric' ? 'on' : ''} onClick={() => setMode('metric')}>By metric</button>
          <button type="button" className={mode === 'draw' ? 'on' : ''} onClick={() => setMode('draw')}>Draw a shape</button>
        </span>
        {mode === 'metric' && <input placeholder="metric name" value={metric} onChange={(e) => setMetric(e.target.value)} aria-label="metric" size={40} />}
        <select value={opts.scorer} onChange={(e) => setOpts({ ...opts, scorer: e.target.value })} aria-label="scorer">
          <option value="euclidean">Euclidean</option><option value="dtw">DTW</option><option value="fastdtw">FastDTW</option>
        </select>
        <select value={opts.window} onChange={(e) => setOpts({ ...opts, window: e.target.value })} aria-label="window">
          <option value="1h">1 hour</option><option value="24h">24 hours</option>
        </select>
        <label>k <input type="number" min={1} max={100} value={opts.k} onChange={(e) => setOpts({ ...opts, k: Number(e.target.value) || 1 })} aria-label="k" style={{ width: '4em' }} /></label>
        <label>exclude <input placeholder="name segments, comma-separated" value={opts.exclude} onChange={(e) => setOpts({ ...opts, exclude: e.target.value })} aria-label="exclude" /></label>
        <button type="submit" disabled={busy}>{busy ? 'Searching…' : 'Search'}</button>
      </form>
      {mode === 'draw' && <ShapePad onChange={setShape} />}
      {error && <p className="error" role="alert">{error}</p>}
      {answer && <Results answer={answer} />}
      <Collections />
    </div>
  );
}

function Results({ answer }: { answer: SimilarAnswer }) {
  if (answer.results.length === 0) return <p data-testid="no-results">No similar shapes found. Shapes are indexed every two minutes; new metrics appear after the next import.</p>;
  return (
    <div className="multiples" data-testid="similar-results">
      {answer.results.map((r) => <ResultCard key={r.metric} result={r} query={answer.query.values} />)}
    </div>
  );
}

function ResultCard({ result, query }: { result: SimilarResult; query: number[] }) {
  const [saved, setSaved] = useState<string | null>(null);
  const data = useMemo(() => {
    const ys = znorm(result.values);
    const qs = znorm(resample(query, ys.length));
    return [ys.map((_, i) => i), ys, qs] as [number[], number[], number[]];
  }, [result, query]);
  const save = () => api.saveCollection({ title: result.metric, description: `similar to the query, score ${result.score.toFixed(4)}`, metric: result.metric })
    .then(() => setSaved('saved'), (e: Error) => setSaved(e.message));
  return (
    <div className="multiple" data-testid="similar-result">
      <div className="head">
        <a className="metric-name" href={href('explore', { metric: result.metric })} title={result.metric}>{result.metric}</a>
        <span className="score">score {result.score.toFixed(4)}</span>
      </div>
      <Chart data={data} series={OVERLAY} height={110} time={false} axes={false} />
      <div className="actions">
        <a href={href('similar', { metric: result.metric })}>Similar to this</a>
        <button type="button" onClick={save} disabled={saved === 'saved'}>{saved === 'saved' ? 'In collection' : 'Add to collection'}</button>
        {saved && saved !== 'saved' && <span className="error">{saved}</span>}
      </div>
    </div>
  );
}

function Collections() {
  const [list, setList] = useState<Collection[] | null>(null);
  const load = () => api.collections().then((r) => setList(r.collections), () => setList([]));
  useEffect(() => { void load(); }, []);
  if (!list) return null;
  return (
    <div className="collections">
      <h3>Collections <button type="button" onClick={() => void load()}>Refresh</button></h3>
      {list.length === 0 ? <p>None yet: “Add to collection” on a result saves a snapshot of that metric.</p> : (
        <ul>{list.map((c) => (
          <li key={c.id}>
            <b>{c.title}</b> <span className="muted">{c.metric} · {c.points.length} points · {c.description}</span>{' '}
            <button type="button" onClick={() => api.deleteCollection(c.id).then(load)}>Delete</button>
          </li>
        ))}</ul>
      )}
    </div>
  );
}
