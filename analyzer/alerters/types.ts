import type { AnomalyRecord } from '../../core/store/store.js';

/** Sends one anomaly somewhere. Throws on failure; the dispatcher retries. */
export interface Alerter {
  readonly name: string;
  send(record: AnomalyRecord): Promise<void>;
  close?(): Promise<void>;
}

export class AlertDeliveryError extends Error {}

/** One line people read in an e-mail subject, a Slack message or a PagerDuty summary. */
export function summary(r: AnomalyRecord): string {
  const voted = Object.entries(r.votes)
    .filter(([, v]) => v === true)
    .map(([k]) => k);
  return `Kale: ${r.metric} is anomalous (value ${r.value} at ${new Date(r.timestamp * 1000).toISOString()}, score ${r.score.toFixed(2)}; ${voted.join(', ') || 'no detector'})`;
}
