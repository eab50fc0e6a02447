import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  api,
  votesOf,
  type StatusAnswer,
  type AnomalyList,
  type AnomalyRecord,
  type AnomalyRow,
  type Point,
  type Vote,
} from '../api.js';
import { withMarks } from '../chartData.js';
import { Chart, type ChartSeries } from '../components/Chart.js';
import { SendDataHint } from '../components/SendDataHint.js';
import { VirtualList } from '../components/VirtualList.js';
import { ago, duration, num, utc, voteCount } from '../format.js';
import { href } from '../route.js';
import { EpisodeHistory } from './EpisodeHistory.js';

const ROW = 34;
const REFRESH_MS = 15_000;
const LINE: ChartSeries[] = [
  { label: 'value', color: '#5fb3f9' },
  { label: 'anomaly', color: '#ff5468', pointsOnly: true },
];

/**
 * The anomalies of the analyzer's last cycle: a keyboard-driven list beside the selected metric's
 * charts. With `at` (a link from Explore's markers), one recorded anomaly of `metric` instead; with
 * `episode`, every record of that episode.
 */
export function AnomaliesPage({
  metric,
  at,
  episode,
}: {
  metric: string | null;
  at: string | null;
  episode: string | null;
}) {
  if (episode) return <EpisodeHistory episode={episode} />;
  return metric && at ? <PastAnomaly metric={metric} at={Number(at)} /> : <CurrentAnomalies />;
}

/** One anomaly from the history, found by metric and timestamp. */
function PastAnomaly({ metric, at }: { metric: string; at: number }) {
  const [record, setRecord] = useState<AnomalyRecord | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    // The history is kept by detection time, which follows the point's own time within a few cycles.
    api.history({ metric, from: String(at), until: String(at + 86400), limit: 1000 }).then(
      (r) => live && setRecord(r.anomalies.find((a) => a.timestamp === at) ?? null),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [metric, at]);
  const back = (
    <p>
      <a href={href('anomalies')}>← current anomalies</a> ·{' '}
      <a href={href('explore', { metric })}>Explore {metric}</a>
    </p>
  );
  if (error)
    return (
      <>
        {back}
        <p className="error" role="alert">
          {error}
        </p>
      </>
    );
  if (record === undefined) return <p className="loading">Loading the anomaly…</p>;
  if (record === null)
    return (
      <>
        {back}
        <p>
          No anomaly of <span className="metric-name">{metric}</span> was recorded at {utc(at)} (the history
          keeps them for a limited time).
        </p>
      </>
    );
  const row: AnomalyRow = {
    metric: record.metric,
    timestamp: record.timestamp,
    value: record.value,
    score: record.score,
    preset: record.preset,
    votes: '',
  };
  return (
    <div className="past-anomaly">
      {back}
      <AnomalyDetail anomaly={row} votes={record.votes} episode={record.episode} />
    </div>
  );
}

function CurrentAnomalies() {
  const [list, setList] = useState<AnomalyList | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selectedMetric, setSelectedMetric] = useState<string | null>(null);
  const [auto, setAuto] = useState(true);
  const [filter, setFilter] = useState('');

  const load = useCallback(() => {
    api.anomalies().then(
      (r) => {
        setList(r);
        setError(null);
      },
      (e: Error) => setError(e.message),
    );
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
    return f && rows ? rows.filter((a) => a.metric.toLowerCase().includes(f)) : (rows ?? []);
  }, [rows, filter]);
  const selected = Math.max(
    0,
    shown.findIndex((a) => a.metric === selectedMetric),
  );
  const current = shown[selected];

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (
        e.target instanceof HTMLInputElement ||
        e.target instanceof HTMLTextAreaElement ||
        e.target instanceof HTMLSelectElement
      )
        return;
      if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
      e.preventDefault();
      const next = Math.min(shown.length - 1, Math.max(0, selected + (e.key === 'ArrowDown' ? 1 : -1)));
      if (shown[next]) setSelectedMetric(shown[next].metric);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [shown, selected]);

  if (error && !rows)
    return (
      <p className="error" role="alert">
        Could not load anomalies: {error}
      </p>
    );
  if (!list || !rows) return <p className="loading">Loading anomalies…</p>;
  if (rows.length === 0) return <NoAnomalies onCycle={load} />;

  return (
    <div className="split">
      <section className="listpane">
        <div className="toolbar">
          <input
            placeholder="Filter metrics"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            aria-label="Filter metrics"
          />
          <label>
            <input type="checkbox" checked={auto} onChange={(e) => setAuto(e.target.checked)} /> auto-refresh
          </label>
          <span className="count" data-testid="anomaly-count">
            {shown.length.toLocaleString('en-US')} anomalous
          </span>
        </div>
        <div className="vhead">
          <span className="m">metric</span>
          <span className="v">value</span>
          <span className="t">time</span>
          <span className="votes">votes</span>
        </div>
        <VirtualList
          items={shown}
          rowHeight={ROW}
          selected={selected}
          label="Anomalous metrics (↑/↓ to move)"
          id="anomaly"
          renderRow={(a, i) => {
            const { yes, judged } = voteCount(a.votes);
            return (
              // The row is an option of the list, which the keyboard drives with ↑/↓ (VirtualList); a click is the mouse's way to the same.
              // biome-ignore lint/a11y/useKeyWithClickEvents: see above.
              // biome-ignore lint/a11y/noStaticElementInteractions: see above.
              <div
                className={`arow${i === selected ? ' selected' : ''}`}
                data-testid="anomaly-row"
                onClick={() => setSelectedMetric(a.metric)}
              >
                <span className="m" title={a.metric}>
                  {a.metric}
                </span>
                <span className="v">{num(a.value)}</span>
                <span className="t" title={utc(a.timestamp)}>
                  {ago(a.timestamp)}
                </span>
                <span
                  className="votes"
                  title={`${yes} of the ${judged} detectors that judged voted anomalous; ${a.votes.length - judged} did not judge`}
                >
                  {yes} of {judged}
                </span>
              </div>
            );
          }}
        />
        <p className="hint">
          ↑/↓ to move · refreshes every {REFRESH_MS / 1000}s{error ? ` · last refresh failed: ${error}` : ''}
        </p>
      </section>
      {current && <AnomalyDetail anomaly={current} votes={votesOf(list, current)} />}
    </div>
  );
}

/** The episode a current row belongs to: the compact list leaves it out, the full record has it. */
function useEpisode(anomaly: AnomalyRow, known: string | undefined): string | undefined {
  const [found, setFound] = useState<string | undefined>(known);
  useEffect(() => {
    if (known) return setFound(known);
    let live = true;
    setFound(undefined);
    api.currentRecords(anomaly.metric).then(
      (r) =>
        live &&
        setFound(
          r.anomalies.find((a) => a.metric === anomaly.metric && a.timestamp === anomaly.timestamp)?.episode,
        ),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [anomaly.metric, anomaly.timestamp, known]);
  return found;
}

function AnomalyDetail({
  anomaly,
  votes,
  episode: known,
}: {
  anomaly: AnomalyRow;
  votes: Record<string, Vote>;
  episode?: string;
}) {
  const episode = useEpisode(anomaly, known);
  const [points, setPoints] = useState<Point[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setPoints(null);
    api.series(anomaly.metric, String(anomaly.timestamp - 86400)).then(
      (r) => {
        if (!live) return;
        setPoints(r.points);
        setError(null);
      },
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [anomaly.metric, anomaly.timestamp]);

  const day = useMemo(() => points && withMarks(points, [anomaly]), [points, anomaly]);
  const hour = useMemo(
    () =>
      points &&
      withMarks(
        points.filter(([t]) => t >= anomaly.timestamp - 3600 && t <= anomaly.timestamp + 600),
        [anomaly],
      ),
    [points, anomaly],
  );

  return (
    <section className="detail" data-testid="anomaly-detail">
      <h2 className="metric-name">{anomaly.metric}</h2>
      <p className="facts">
        value <b>{num(anomaly.value)}</b> at {utc(anomaly.timestamp)} · score {anomaly.score.toFixed(2)} ·
        preset {anomaly.preset}
        {' · '}
        <a href={href('similar', { metric: anomaly.metric })}>Find similar shapes</a>
        {' · '}
        <a href={href('explore', { metric: anomaly.metric })}>Explore</a>
        {episode && (
          <>
            {' · '}
            <a href={href('anomalies', { episode })} data-testid="episode-link">
              Episode history
            </a>
          </>
        )}
      </p>
      <Votes votes={votes} />
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {!points && !error && <p className="loading">Loading series…</p>}
      {hour && (
        <>
          <h3>Last hour</h3>
          <Chart data={hour} series={LINE} height={200} testId="chart-1h" />
        </>
      )}
      {day && (
        <>
          <h3>Last 24 hours</h3>
          <Chart data={day} series={LINE} height={200} testId="chart-24h" />
        </>
      )}
    </section>
  );
}

/**
 * Each detector's vote, grouped. A detector that returns no vote did not judge: it lacked what it needs
 * (too few points in the window, no seasonal history yet for one comparing with a day or a week ago)
 * or the preset leaves it out at the metric's sampling step, so it neither accuses nor clears the
 * point, and the consensus counts only the detectors that judged.
 */
function Votes({ votes }: { votes: Record<string, Vote> }) {
  const entries = Object.entries(votes);
  const yes = entries.filter(([, v]) => v === true).map(([n]) => n);
  const no = entries.filter(([, v]) => v === false).map(([n]) => n);
  const abstained = entries.filter(([, v]) => v !== true && v !== false).map(([n]) => n);
  const judged = yes.length + no.length;
  const group = (names: string[], cls: string, title: string) =>
    names.map((n) => (
      <li key={n} className={cls} title={`${n}: ${title}`}>
        {n}
      </li>
    ));
  return (
    <div className="votes" data-testid="votes">
      <p className="votes-summary">
        <b>
          {yes.length} of {judged}
        </b>{' '}
        detectors that judged voted anomalous{abstained.length ? `; ${abstained.length} did not judge` : ''}.
      </p>
      <ul className="votes-list" aria-label="detectors that judged">
        {group(yes, 'yes', 'voted anomalous')}
        {group(no, 'no', 'voted normal')}
      </ul>
      {abstained.length > 0 && (
        <div className="abstained" data-testid="abstained">
          <span className="muted">Did not judge:</span>
          <ul className="votes-list" aria-label="detectors that did not judge">
            {group(abstained, 'na', 'did not judge')}
          </ul>
          <p className="muted small">
            A detector abstains when it lacks what it needs: too few points in the window, or no seasonal
            history yet (a day or a week of rollups to compare with). The default preset also leaves
            median_absolute_deviation and level_shift out on a metric sampled every 5 to 30 minutes. It counts
            neither for nor against.
          </p>
        </div>
      )}
    </div>
  );
}

/** Polls the status while the list is empty, to say why and to reload as soon as a cycle ends. */
function useStatusWhileEmpty(onCycle: () => void): StatusAnswer | null {
  const [status, setStatus] = useState<StatusAnswer | null>(null);
  const lastCycle = status?.analyzer.lastCycle?.startedAt;
  useEffect(() => {
    let live = true;
    const load = () =>
      api.status().then(
        (s) => live && setStatus(s),
        () => {},
      );
    void load();
    const t = setInterval(load, 3000);
    return () => {
      live = false;
      clearInterval(t);
    };
  }, []);
  useEffect(() => {
    if (lastCycle !== undefined) onCycle();
  }, [lastCycle, onCycle]);
  return status;
}

/** Seconds until `at`, counting down once a second. */
function useCountdown(at: number | null): number | null {
  const [now, setNow] = useState(() => Date.now() / 1000);
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now() / 1000), 1000);
    return () => clearInterval(t);
  }, []);
  return at === null ? null : Math.round(at - now);
}

/**
 * An empty list means one of three things: nothing stored yet (how to send data), metrics stored but
 * not judged yet (the analyzer's first cycle with them is due: when), or judged and all normal.
 */
function NoAnomalies({ onCycle }: { onCycle: () => void }) {
  const status = useStatusWhileEmpty(onCycle);
  const { interval, lastCycle, nextCycleAt } = status?.analyzer ?? {
    interval: 60,
    lastCycle: null,
    nextCycleAt: null,
  };
  const left = useCountdown(nextCycleAt);
  if (!status) return <p className="loading">Loading anomalies…</p>;
  if (status.metrics === 0) return <SendDataHint what="No metrics stored yet" status={status} />;
  const due =
    left === null ? `within ${duration(interval)}` : left > 0 ? `in ${duration(left)}` : 'any moment now';
  const judged = Number(lastCycle?.totalMetrics ?? 0);
  if (!lastCycle || judged === 0) {
    return (
      <div className="empty" data-testid="first-analysis">
        <h2>Waiting for the first analysis</h2>
        <p>
          {status.metrics.toLocaleString('en-US')} {status.metrics === 1 ? 'metric is' : 'metrics are'}{' '}
          stored; the analyzer has not judged {status.metrics === 1 ? 'it' : 'them'} yet. First analysis {due}
          .
        </p>
        <p className="muted">
          The analyzer runs every {duration(interval)}; this page refreshes when it has run.
        </p>
      </div>
    );
  }
  return (
    <div className="empty" data-testid="no-anomalies">
      <h2>No anomalies right now</h2>
      <p>
        The last analysis looked at {judged.toLocaleString('en-US')} {judged === 1 ? 'metric' : 'metrics'},
        Kale's own series included,{' '}
        {ago(Number(lastCycle.startedAt) + Number(lastCycle.runTime ?? 0), status.now)} and flagged none. Next
        analysis {due}.
      </p>
    </div>
  );
}
