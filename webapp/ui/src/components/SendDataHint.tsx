import { useEffect, useState } from 'react';
import { api, type StatusAnswer } from '../api.js';

/**
 * The commands that work against this instance: `kale seed` writes history straight into the store, so
 * on the embedded store (owned by the running process) only `kale start --seed` can do it; the ports
 * are the ones horizon reported listening on.
 */
function commands(status: StatusAnswer | null): string {
  const host = location.hostname || '127.0.0.1';
  const { line, pickle } = status?.listeners ?? {};
  const seed =
    status?.storage === 'redis'
      ? '# demo data with a few anomalies, into the Redis this Kale uses\nkale seed --redis redis://HOST:6379' +
        (typeof pickle === 'number' ? ` --pickle-port ${pickle}` : '')
      : '# demo data with a few anomalies: the embedded store belongs to the\n# running Kale, so stop it and start it again with a seeded demo\nkale start --seed';
  const lines = [seed];
  if (typeof line === 'number')
    lines.push(
      `# or one point over the plaintext protocol (port ${line})\necho "my.service.latency 42 $(date +%s)" | nc -q0 ${host} ${line}`,
    );
  if (typeof pickle === 'number')
    lines.push(`# or point Graphite's carbon-relay at the pickle port ${pickle}`);
  if (status && line === undefined && pickle === undefined)
    lines.push(
      '# horizon has not reported the ports it listens on (not running yet, or its ports are off): see the Status page',
    );
  return lines.join('\n\n');
}

/** What an empty page says: how to get data into this Kale. */
export function SendDataHint({ what, status: given }: { what: string; status?: StatusAnswer }) {
  const [status, setStatus] = useState<StatusAnswer | null>(given ?? null);
  useEffect(() => {
    if (given) return setStatus(given);
    // Horizon reports its ports within its first self-metrics interval: ask again until then.
    const load = () => api.status().then(setStatus, () => setStatus(null));
    void load();
    const t = setInterval(load, 5000);
    return () => clearInterval(t);
  }, [given]);
  return (
    <div className="empty" data-testid="empty-state">
      <h2>{what}</h2>
      <p>Send some data and it appears here within a minute:</p>
      <pre data-testid="send-data-commands">{commands(status)}</pre>
    </div>
  );
}
