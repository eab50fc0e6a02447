import { useEffect, useState } from 'react';
import { api } from '../api.js';
import { SendDataHint } from '../components/SendDataHint.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Flattens a service's status document into `a.b.c → value` rows, so any service's figures show. */
function rows(doc: Json, prefix = ''): Array<[string, string]> {
  if (doc !== null && typeof doc === 'object' && !Array.isArray(doc)) {
    return Object.entries(doc).flatMap(([k, v]) => rows(v, prefix ? `${prefix}.${k}` : k));
  }
  const text = typeof doc === 'number' ? (Number.isInteger(doc) ? doc.toLocaleString('en-US') : doc.toFixed(3)) : typeof doc === 'string' ? doc : JSON.stringify(doc);
  return [[prefix, text]];
}

function Table({ title, doc }: { title: string; doc: Json }) {
  return (
    <div className="card">
      <h3>{title}</h3>
      <table><tbody>{rows(doc).map(([k, v]) => <tr key={k}><th>{k}</th><td>{v}</td></tr>)}</tbody></table>
    </div>
  );
}

/** Backends, counts, and each service's status (ingest rates, rejects, queue, analyzer run time, exceptions). */
export function StatusPage() {
  const [status, setStatus] = useState<Record<string, Json> | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const load = () => api.status().then((s) => { setStatus(s as Record<string, Json>); setError(null); }, (e: Error) => setError(e.message));
    load();
    const t = setInterval(load, 5000);
    return () => clearInterval(t);
  }, []);
  if (!status) return error ? <p className="error" role="alert">{error}</p> : <p className="loading">Loading status…</p>;
  const services = (status.services ?? {}) as Record<string, Json>;
  return (
    <div className="status" data-testid="status-page">
      {error && <p className="error" role="alert">Last refresh failed: {error}</p>}
      <div className="cards">
        <Table title="Backends" doc={status.backends ?? null} />
        <Table title="Overview" doc={{ metrics: status.metrics ?? 0, anomalies: status.anomalies ?? 0, webapp: status.webapp ?? null }} />
        {Object.entries(services).map(([name, doc]) => <Table key={name} title={name} doc={doc} />)}
      </div>
      {status.metrics === 0 && <SendDataHint what="No metrics stored yet" />}
    </div>
  );
}
