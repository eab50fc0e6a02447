import { useEffect, useMemo, useState } from 'react';
import { api, type Collection, type SimilarAnswer, type SimilarMatch, type SimilarOptions } from '../api.js';
import { Chart, type ChartSeries } from '../components/Chart.js';
import { ShapePad } from '../components/ShapePad.js';
import { href } from '../route.js';

const OVERLAY: ChartSeries[] = [
  { label: 'result', color: '#5fb3f9' },
  { label: 'query', color: '#f5b342', dash: [4, 3] },
];

/** Similar shapes, searched by a metric's name or by a drawn shape, shown as small multiples. */
export function SimilarPage({ initialMetric }: { initialMetric: string | null }) {
  const [mode, setMode] = useState<'metric' | 'draw'>('metric');
  const [metric, setMetric] = useState(initialMetric ?? '');
  const [shape, setShape] = useState<number[] | null>(null);
  const [opts, setOpts] = useState<SimilarOptions>({
    scorer: 'euclidean',
    k: 20,
    window: '1h',
    exclude: '',
    over: 'metrics',
  });
  const [answer, setAnswer] = useState<SimilarAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [savedCount, setSavedCount] = useState(0);

  const search = async (byMetric = mode === 'metric' ? metric : null) => {
    setBusy(true);
    setError(null);
    try {
      if (byMetric !== null) setAnswer(await api.similarByMetric(byMetric.trim(), opts));
      else if (shape) setAnswer(await api.similarByShape(shape, opts));
      else setError('Draw a shape first: press and drag across the pad.');
    } catch (e) {
      setAnswer(null);
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  // Arriving from "Find similar shapes" (#/similar?metric=…) searches at once.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per metric in the address, not on every render (search is a new function each time).
  useEffect(() => {
    if (!initialMetric) return;
    setMode('metric');
    setMetric(initialMetric);
    void search(initialMetric);
  }, [initialMetric]);

  return (
    <div className="similar" data-testid="similar-page">
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          void search();
        }}
      >
        <span className="tabs">
          <button
            type="button"
            className={mode === 'metric' ? 'on' : ''}
            aria-pressed={mode === 'metric'}
            onClick={() => setMode('metric')}
          >
            By metric
          </button>
          <button
            type="button"
            className={mode === 'draw' ? 'on' : ''}
            aria-pressed={mode === 'draw'}
            onClick={() => setMode('draw')}
          >
            Draw a shape
          </button>
        </span>
        {mode === 'metric' && (
          <input
            placeholder="metric name"
            value={metric}
            onChange={(e) => setMetric(e.target.value)}
            aria-label="metric"
            size={30}
          />
        )}
        <select
          value={opts.scorer}
          onChange={(e) => setOpts({ ...opts, scorer: e.target.value })}
          aria-label="scorer"
        >
          <option value="euclidean">Euclidean</option>
          <option value="dtw">DTW</option>
          <option value="fastdtw">FastDTW</option>
        </select>
        <select
          value={opts.window}
          onChange={(e) => setOpts({ ...opts, window: e.target.value })}
          aria-label="window"
        >
          <option value="1h">1 hour</option>
          <option value="24h">24 hours</option>
        </select>
        <select
          value={opts.over}
          onChange={(e) => setOpts({ ...opts, over: e.target.value })}
          aria-label="search over"
        >
          <option value="metrics">metrics</option>
          <option value="collections">collections</option>
          <option value="all">metrics and collections</option>
        </select>
        <label>
          k{' '}
          <input
            type="number"
            min={1}
            max={100}
            value={opts.k}
            onChange={(e) => setOpts({ ...opts, k: Number(e.target.value) || 1 })}
            aria-label="k"
            style={{ width: '4em' }}
          />
        </label>
        <label>
          exclude{' '}
          <input
            placeholder="name segments, a,b"
            size={16}
            value={opts.exclude}
            onChange={(e) => setOpts({ ...opts, exclude: e.target.value })}
            aria-label="exclude"
          />
        </label>
        <button type="submit" disabled={busy}>
          {busy ? 'Searching…' : 'Search'}
        </button>
      </form>
      {mode === 'draw' && <ShapePad onChange={setShape} />}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {answer && <Results answer={answer} onSaved={() => setSavedCount((n) => n + 1)} />}
      <Collections changed={savedCount} />
    </div>
  );
}

function Results({ answer, onSaved }: { answer: SimilarAnswer; onSaved: () => void }) {
  if (answer.matches.length === 0)
    return (
      <p data-testid="no-results">
        No similar shapes found. Shapes are indexed every two minutes; new metrics appear after the next
        import.
      </p>
    );
  return (
    <>
      <p className="muted" data-testid="similar-summary">
        {answer.matches.length} closest of {answer.examined.toLocaleString('en-US')} compared exactly ·{' '}
        {answer.tookMs.toFixed(0)} ms · {answer.backend} index
        {answer.query.name ? (
          <>
            {' '}
            · query <span className="metric-name">{answer.query.name}</span>
          </>
        ) : (
          ' · drawn query'
        )}
      </p>
      <div className="multiples" data-testid="similar-results">
        {answer.matches.map((m) => (
          <ResultCard
            key={`${m.kind}:${m.collection?.id ?? m.name}`}
            match={m}
            query={answer.query.z}
            onSaved={onSaved}
          />
        ))}
      </div>
    </>
  );
}

function ResultCard({
  match,
  query,
  onSaved,
}: {
  match: SimilarMatch;
  query: number[];
  onSaved: () => void;
}) {
  const [saved, setSaved] = useState<string | null>(null);
  const data = useMemo(() => {
    const n = Math.min(match.z.length, query.length);
    return [Array.from({ length: n }, (_, i) => i), match.z.slice(0, n), query.slice(0, n)] as [
      number[],
      number[],
      number[],
    ];
  }, [match, query]);
  const title = match.collection ? match.collection.title : match.name;
  const save = () =>
    api
      .saveCollection({
        title: match.name,
        description: `similar shape, distance ${match.distance.toFixed(4)}`,
        metric: match.name,
      })
      .then(
        () => {
          setSaved('saved');
          onSaved();
        },
        (e: Error) => setSaved(e.message),
      );
  return (
    <div className="multiple" data-testid="similar-result">
      <div className="head">
        <a className="metric-name" href={href('explore', { metric: match.name })} title={title}>
          {match.collection ? `★ ${title}` : title}
        </a>
        <span className="score" title="distance between z-normalised shapes (lower is closer)">
          {match.flat ? 'flat · ' : ''}d = {match.distance.toFixed(3)}
        </span>
      </div>
      <Chart data={data} series={OVERLAY} height={110} time={false} axes={false} />
      <div className="actions">
        <a href={href('similar', { metric: match.name })}>Similar to this</a>
        <button type="button" onClick={save} disabled={saved === 'saved'}>
          {saved === 'saved' ? 'In collection' : 'Add to collection'}
        </button>
        {saved && saved !== 'saved' && <span className="error">{saved}</span>}
      </div>
    </div>
  );
}

function Collections({ changed }: { changed: number }) {
  const [list, setList] = useState<Collection[] | null>(null);
  const load = () =>
    api.collections().then(
      (r) => setList(r.collections),
      () => setList([]),
    );
  // biome-ignore lint/correctness/useExhaustiveDependencies: reloads when the page says the collections changed.
  useEffect(() => {
    void load();
  }, [changed]);
  if (!list) return null;
  return (
    <div className="collections">
      <h3>
        Collections{' '}
        <button type="button" onClick={() => void load()}>
          Refresh
        </button>
      </h3>
      {list.length === 0 ? (
        <p>None yet: “Add to collection” on a result saves a snapshot of that metric.</p>
      ) : (
        <ul>
          {list.map((c) => (
            <li key={c.id}>
              <b>{c.title}</b>{' '}
              <span className="muted">
                {c.metric} · {c.points.length} points · {c.description}
              </span>{' '}
              <button type="button" onClick={() => api.deleteCollection(c.id).then(load)}>
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
