/** What an empty page says: how to get data into Kale. */
export function SendDataHint({ what }: { what: string }) {
  return (
    <div className="empty" data-testid="empty-state">
      <h2>{what}</h2>
      <p>Send some data and it appears here within a minute:</p>
      <pre>{`# demo data with a few anomalies
kale seed

# or one point over the plaintext protocol (port 2003)
echo "my.service.latency 42 $(date +%s)" | nc -q0 127.0.0.1 2003

# or point Graphite's carbon-relay at the pickle port 2024`}</pre>
    </div>
  );
}
