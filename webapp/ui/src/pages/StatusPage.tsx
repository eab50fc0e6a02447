import { useEffect, useState, type ReactNode } from 'react';
import { api, type Spark, type StatusAnswer } from '../api.js';
import { AnalyzerGroup } from '../components/AnalyzerGroup.js';
import { SendDataHint } from '../components/SendDataHint.js';
import { Sparkline } from '../components/Sparkline.js';
import { ago, duration, short, utc } from '../format.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const REFRESH_MS = 5000;

/** The operator's dashboard: health with reasons, the last hour of ingest, the analyzer, shapes, backends. */
export function StatusPage() {
  const [status, setStatus] = useState<StatusAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const load = () =>
      api.status().then(
        (s) => {
          setStatus(s);
          setError(null);
        },
        (e: Error) => setError(e.message),
      );
    void load();
    const t = setInterval(load, REFRESH_MS);
    return () => clearInterval(t);
  }, []);
  if (!status)
    return error ? (
      <p className="error" role="alert">
        {error}
      </p>
    ) : (
      <p className="loading">Loading status…</p>
    );
  return (
    <div className="status" data-testid="status-page">
      {error && (
        <p className="error" role="alert">
          Last refresh failed: {error}
        </p>
      )}
      <HealthTable status={status} />
      <div className="cards">
        <Ingest status={status} />
        <Analyzer status={status} />
        <Shapes status={status} />
        <Backends status={status} />
        <Overview status={status} />
      </div>
      {status.metrics === 0 && <SendDataHint what="No metrics stored yet" status={status} />}
      <RawDocuments services={status.services as Record<string, Json>} />
    </div>
  );
}

function HealthTable({ status }: { status: StatusAnswer }) {
  return (
    <section className="card health" aria-label="Health" data-testid="health">
      <h3>
        Health{' '}
        <span className="muted">
          · refreshed {ago(status.now)} · every {REFRESH_MS / 1000} s
        </span>
      </h3>
      <table>
        <tbody>
          {status.health.map((h) => (
            <tr key={h.service} data-testid={`health-${h.service}`}>
              <th scope="row">{h.service}</th>
              <td>
                <span className={`state ${h.state}`}>{h.state}</span>
              </td>
              <td className="reason">{h.reason}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Card({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <section className="card" aria-label={title} data-testid={testId}>
      <h3>{title}</h3>
      {children}
    </section>
  );
}

/** A label, a figure, and optionally its sparkline: one row of a card. */
function Figure({
  label,
  value,
  spark,
  sparkLabel,
}: {
  label: string;
  value: ReactNode;
  spark?: Spark;
  sparkLabel?: string;
}) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td className="fig">{value}</td>
      {spark !== undefined && (
        <td className="sparkcell">
          <Sparkline points={spark} label={sparkLabel ?? label} />
        </td>
      )}
    </tr>
  );
}

const latest = (s: Spark | undefined) => (s?.length ? s[s.length - 1][1] : undefined);
const perSecond = (v: number | undefined) => (v === undefined ? '—' : `${short(v)}/s`);

function Ingest({ status }: { status: StatusAnswer }) {
  const ingest = status.series?.ingest;
  const reasons = Object.entries(ingest?.rejectedBy ?? {});
  return (
    <Card title="Ingest · last hour" testId="ingest">
      <table>
        <tbody>
          <Figure
            label="received"
            value={perSecond(latest(ingest?.received))}
            spark={ingest?.received ?? []}
            sparkLabel="points received per second, last hour"
          />
          <Figure
            label="written"
            value={perSecond(latest(ingest?.written))}
            spark={ingest?.written ?? []}
            sparkLabel="points written per second, last hour"
          />
          <Figure
            label="rejected"
            value={perSecond(latest(ingest?.rejected))}
            spark={ingest?.rejected ?? []}
            sparkLabel="points rejected per second, last hour"
          />
          {reasons.map(([reason, s]) => (
            <Figure
              key={reason}
              label={`rejected: ${reason}`}
              value={perSecond(latest(s))}
              spark={s}
              sparkLabel={`points rejected as ${reason} per second, last hour`}
            />
          ))}
        </tbody>
      </table>
      {reasons.length === 0 && <p className="muted">No rejects in the last hour.</p>}
    </Card>
  );
}

function Analyzer({ status }: { status: StatusAnswer }) {
  const { interval, lastCycle, nextCycleAt } = status.analyzer;
  if (!lastCycle)
    return (
      <Card title="Analyzer" testId="analyzer">
        <p>No cycle finished yet: it runs every {duration(interval)}.</p>
      </Card>
    );
  const runTime = Number(lastCycle.runTime ?? 0);
  const exceptions = Object.entries((lastCycle.exceptions ?? {}) as Record<string, number>);
  const ended = Number(lastCycle.startedAt) + runTime;
  return (
    <Card title="Analyzer" testId="analyzer">
      <table>
        <tbody>
          <Figure label="last cycle" value={<span title={utc(ended)}>{ago(ended, status.now)}</span>} />
          <Figure label="cycle time" value={`${duration(runTime)} of ${duration(interval)}`} />
          <tr>
            <td colSpan={2}>
              <meter
                className="cycle"
                min={0}
                max={interval}
                high={interval * 0.8}
                value={Math.min(runTime, interval)}
                aria-label="cycle time against the interval"
                title={`${duration(runTime)} of a ${duration(interval)} interval`}
              />
            </td>
          </tr>
          <tr>
            <td colSpan={2}>
              <Sparkline
                points={status.series?.analyzerRunTime ?? []}
                label="seconds per analyzer cycle, last hour"
              />
            </td>
          </tr>
          <Figure label="next cycle" value={nextCycleAt === null ? '—' : ago(nextCycleAt, status.now)} />
          <Figure
            label="metrics analyzed"
            value={`${short(Number(lastCycle.analyzed ?? 0))} of ${short(Number(lastCycle.totalMetrics ?? 0))}`}
          />
          <Figure label="anomalous" value={short(Number(lastCycle.anomalous ?? 0))} />
        </tbody>
      </table>
      <h4>Skipped, by reason</h4>
      {exceptions.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <table>
          <tbody>
            {exceptions
              .sort((a, b) => b[1] - a[1])
              .map(([kind, n]) => (
                <Figure key={kind} label={kind} value={short(n)} />
              ))}
          </tbody>
        </table>
      )}
      <AnalyzerGroup group={lastCycle.group} now={status.now} />
    </Card>
  );
}

function Shapes({ status }: { status: StatusAnswer }) {
  const o = status.services.oculus as Record<string, unknown> | undefined;
  const last = typeof o?.lastImport === 'number' ? o.lastImport : undefined;
  return (
    <Card title="Shape index" testId="shapes">
      {!o ? (
        <p>No shape import yet: Similar finds shapes after the first one.</p>
      ) : (
        <table>
          <tbody>
            <Figure
              label="last import"
              value={last === undefined ? '—' : <span title={utc(last)}>{ago(last, status.now)}</span>}
            />
            {typeof o.ms === 'number' && <Figure label="import took" value={duration(o.ms / 1000)} />}
            {Array.isArray(o.windows) &&
              o.windows.map((w: { window?: string; indexed?: number }) => (
                <Figure key={w.window} label={`${w.window} shapes`} value={short(Number(w.indexed ?? 0))} />
              ))}
            <Figure label="backend" value={String(o.backend ?? '—')} />
            {Number(o.failures) > 0 && <Figure label="failed imports" value={short(Number(o.failures))} />}
          </tbody>
        </table>
      )}
      {typeof o?.lastError === 'string' && <p className="error wrap">{o.lastError}</p>}
    </Card>
  );
}

function Backends({ status }: { status: StatusAnswer }) {
  return (
    <Card title="Backends" testId="backends">
      <table>
        <tbody>
          {Object.values(status.backends).map((b) => (
            <Figure
              key={b.name}
              label={`${b.name} (${b.kind})`}
              value={
                b.ok ? (
                  b.latencyMs === null ? (
                    'in process'
                  ) : (
                    `${b.latencyMs < 1 ? b.latencyMs.toFixed(2) : short(b.latencyMs)} ms`
                  )
                ) : (
                  <span className="error">{b.error ?? 'down'}</span>
                )
              }
            />
          ))}
        </tbody>
      </table>
    </Card>
  );
}

function Overview({ status }: { status: StatusAnswer }) {
  // Ports are identifiers, not quantities: no thousands separator.
  const ports = Object.entries(status.listeners).filter(([, p]) => typeof p === 'number');
  return (
    <Card title="Overview" testId="overview">
      <table>
        <tbody>
          <Figure label="metrics" value={short(status.metrics)} />
          <Figure label="anomalies now" value={short(status.anomalies)} />
          <Figure label="storage" value={status.storage} />
          <Figure label="webapp up" value={duration(status.webapp.uptimeSeconds)} />
          {ports.map(([name, port]) => (
            <Figure key={name} label={`${name} port`} value={String(port)} />
          ))}
        </tbody>
      </table>
    </Card>
  );
}

/** Flattens a status document into `a.b.c → value` rows, so any service's figures show. */
function rows(doc: Json, prefix = ''): Array<[string, string]> {
  if (doc !== null && typeof doc === 'object') {
    const entries = Array.isArray(doc) ? doc.map((v, i) => [String(i), v] as const) : Object.entries(doc);
    return entries.flatMap(([k, v]) => rows(v, prefix ? `${prefix}.${k}` : k));
  }
  if (typeof doc === 'number') {
    if (/(At|Import)$/.test(prefix) && doc > 1e9) return [[prefix, `${utc(doc)} (${ago(doc)})`]];
    if (/(^|\.)(port|pickle|udp|line|webapp)$/.test(prefix)) return [[prefix, String(doc)]];
    return [
      [prefix, Number.isInteger(doc) ? doc.toLocaleString('en-US') : String(Number(doc.toPrecision(4)))],
    ];
  }
  return [[prefix, typeof doc === 'string' ? doc : JSON.stringify(doc)]];
}

function RawDocuments({ services }: { services: Record<string, Json> }) {
  const names = Object.keys(services);
  if (names.length === 0) return null;
  return (
    <details className="raw">
      <summary>Each service’s status document</summary>
      <div className="cards">
        {names.map((name) => (
          <section className="card" key={name} aria-label={`${name} status document`}>
            <h3>{name}</h3>
            <table>
              <tbody>
                {rows(services[name]).map(([k, v]) => (
                  <tr key={k}>
                    <th scope="row">{k}</th>
                    <td className="wrap">{v}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ))}
      </div>
    </details>
  );
}
