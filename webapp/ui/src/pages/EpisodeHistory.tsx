import { useEffect, useState } from 'react';
import { api, type AnomalyRecord } from '../api.js';
import { ago, num, utc } from '../format.js';
import { anomalyHref, href } from '../route.js';

/**
 * Every record of one episode (one incident of one metric), oldest first: the row that paged is
 * "flagged", the rows after it that the analyzer judged part of the same incident "continues".
 */
export function EpisodeHistory({ episode }: { episode: string }) {
  const [records, setRecords] = useState<AnomalyRecord[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    setRecords(null);
    api.history({ episode, limit: 10_000 }).then(
      (r) => {
        if (!live) return;
        setRecords(
          [...r.anomalies].sort(
            (a, b) => a.timestamp - b.timestamp || (a.detectedAt ?? 0) - (b.detectedAt ?? 0),
          ),
        );
        setError(null);
      },
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [episode]);
  const metric = records?.[0]?.metric ?? episode.slice(0, episode.lastIndexOf('@'));
  return (
    <section className="episode" data-testid="episode-history">
      <p>
        <a href={href('anomalies')}>← current anomalies</a> ·{' '}
        <a href={href('explore', { metric })}>Explore</a>
      </p>
      <h2>
        Episode of <span className="metric-name">{metric}</span>
      </h2>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {!records && !error && <p className="loading">Loading the episode…</p>}
      {records && records.length === 0 && (
        <p>No records of this episode are kept (the history keeps them for a limited time).</p>
      )}
      {records && records.length > 0 && (
        <>
          <p className="muted">
            {records.length === 1
              ? `1 record, at ${utc(records[0].timestamp)} (${ago(records[0].timestamp)}).`
              : `${records.length} records from ${utc(records[0].timestamp)} to ${utc(records[records.length - 1].timestamp)} (${ago(records[records.length - 1].timestamp)}).`}{' '}
            {records.some((r) => r.flagged === false)
              ? 'A flagged row paged; a row that continues the incident was recorded with it and paged nobody again.'
              : 'A flagged row paged.'}
          </p>
          <table className="episode-table">
            <thead>
              <tr>
                <th scope="col">time</th>
                <th scope="col">value</th>
                <th scope="col">score</th>
                <th scope="col">state</th>
              </tr>
            </thead>
            <tbody>
              {records.map((a) => (
                <tr key={`${a.timestamp}:${a.detectedAt ?? ''}`} data-testid="episode-row">
                  <td>
                    <a href={anomalyHref(a.metric, a.timestamp)}>{utc(a.timestamp)}</a>
                  </td>
                  <td className="fig">{num(a.value)}</td>
                  <td className="fig">{a.score.toFixed(2)}</td>
                  <td>
                    {a.flagged === false ? (
                      <span className="continues">continues</span>
                    ) : (
                      <span className="flagged">flagged</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
