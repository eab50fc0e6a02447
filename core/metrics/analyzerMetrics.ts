/** The analyzer's figures, fed by each cycle's report and each alert's outcome. */
import { Counter, Histogram } from 'prom-client';
import { registry } from './registry.js';

const cycleSeconds = new Histogram({
  name: 'kale_analyzer_cycle_seconds',
  help: 'Duration of an analyzer cycle',
  registers: [registry],
  buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
});
const analysed = new Counter({
  name: 'kale_analyzer_metrics_analysed_total',
  help: 'Metrics judged by the analyzer',
  registers: [registry],
});
const anomalies = new Counter({
  name: 'kale_analyzer_anomalies_total',
  help: 'Anomalous metrics recorded by the analyzer',
  registers: [registry],
});
const exceptions = new Counter({
  name: 'kale_analyzer_exceptions_total',
  help: 'Metrics not judged, by kind (TooShort, Stale, Boring, Failed, Timeout…)',
  labelNames: ['kind'],
  registers: [registry],
});
const alerts = new Counter({
  name: 'kale_alerts_total',
  help: 'Alerts by alerter and outcome (sent, or failed after every retry)',
  labelNames: ['alerter', 'outcome'],
  registers: [registry],
});

export interface CycleFigures {
  readonly runTime: number;
  readonly analyzed: number;
  readonly anomalous: number;
  readonly exceptions: Readonly<Record<string, number | undefined>>;
}

export function observeCycle(r: CycleFigures): void {
  cycleSeconds.observe(r.runTime);
  analysed.inc(r.analyzed);
  anomalies.inc(r.anomalous);
  for (const [kind, n] of Object.entries(r.exceptions)) if (n) exceptions.inc({ kind }, n);
}

export function observeAlert(alerter: string, outcome: 'sent' | 'failed'): void {
  alerts.inc({ alerter, outcome });
}
