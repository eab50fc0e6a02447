import { observeAlert } from '../../core/metrics/analyzerMetrics.js';
import type { KaleConfig } from '../../core/config/schema.js';
import type { Logger } from '../../core/log.js';
import type { AnomalyRecord, ClaimStore } from '../../core/store/store.js';
import { pagerdutyAlerter } from './pagerduty.js';
import { alertDedupKey, matchingRules, type AlertRule } from './rules.js';
import { slackAlerter } from './slack.js';
import { smtpAlerter } from './smtp.js';
import type { Alerter } from './types.js';
import { webhookAlerter } from './webhook.js';

export interface RetryPolicy {
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 1000, maxDelayMs: 30_000 };

/** The alerters a config names (only those configured). */
export function alertersFromConfig(config: KaleConfig): Map<string, Alerter> {
  const a = config.analyzer.alerters;
  const out = new Map<string, Alerter>();
  if (a.smtp) out.set('smtp', smtpAlerter(a.smtp));
  if (a.slack) out.set('slack', slackAlerter(a.slack));
  if (a.pagerduty) out.set('pagerduty', pagerdutyAlerter(a.pagerduty));
  if (a.webhook) out.set('webhook', webhookAlerter(a.webhook));
  return out;
}

/**
 * Turns each cycle's anomalies into alerts: for every matching rule, claim the (rule, metric) key in
 * the Store for `expiry` seconds (so several analyzers never double-send), then deliver in the
 * background with exponential backoff. `dispatch` never waits for delivery, so a dead alerter cannot
 * stall the analysis cycle; a bounded number of deliveries are in flight, the rest are dropped and
 * logged.
 */
export class AlertDispatcher {
  private readonly inFlight = new Set<Promise<void>>();
  private readonly warnedMissing = new Set<string>();
  private stopped = false;
  delivered = 0;
  failed = 0;
  dropped = 0;

  constructor(
    private readonly store: ClaimStore,
    private rules: ReadonlyArray<AlertRule>,
    private alerters: Map<string, Alerter>,
    private readonly log: Logger,
    private readonly retry: RetryPolicy = DEFAULT_RETRY,
    private readonly maxInFlight = 1000,
  ) {}

  reload(rules: ReadonlyArray<AlertRule>, alerters: Map<string, Alerter>): void {
    const old = this.alerters;
    this.rules = rules;
    this.alerters = alerters;
    this.warnedMissing.clear();
    for (const a of old.values()) void a.close?.();
  }

  dispatch(records: ReadonlyArray<AnomalyRecord>): void {
    if (this.stopped || this.rules.length === 0) return;
    for (const record of records) {
      for (const rule of matchingRules(this.rules, record.metric)) {
        const alerter = this.alerters.get(rule.via);
        if (!alerter) {
          if (!this.warnedMissing.has(rule.via)) {
            this.warnedMissing.add(rule.via);
            this.log.error(
              `alert rule names alerter "${rule.via}", which is not configured (analyzer.alerters.${rule.via})`,
            );
          }
          continue;
        }
        if (this.inFlight.size >= this.maxInFlight) {
          this.dropped++;
          continue;
        }
        const p = this.deliver(rule, alerter, record).finally(() => this.inFlight.delete(p));
        this.inFlight.add(p);
      }
    }
  }

  private async deliver(rule: AlertRule, alerter: Alerter, record: AnomalyRecord): Promise<void> {
    let claimed: boolean;
    try {
      claimed = await this.store.claim(alertDedupKey(rule, record.metric), rule.expiry);
    } catch (err) {
      this.log.error(`alert de-duplication failed, not sending: ${(err as Error).message}`, {
        metric: record.metric,
      });
      return;
    }
    if (!claimed) return;
    for (let attempt = 1; ; attempt++) {
      try {
        await alerter.send(record);
        this.delivered++;
        observeAlert(alerter.name, 'sent');
        return;
      } catch (err) {
        if (attempt >= this.retry.attempts || this.stopped) {
          this.failed++;
          observeAlert(alerter.name, 'failed');
          this.log.error(
            `${alerter.name} alert failed after ${attempt} attempts: ${(err as Error).message}`,
            { metric: record.metric },
          );
          return;
        }
        const delay = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
        this.log.warn(
          `${alerter.name} alert failed (attempt ${attempt}), retrying in ${delay} ms: ${(err as Error).message}`,
          { metric: record.metric },
        );
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  }

  /** Waits for deliveries in flight (tests, and a graceful stop). */
  async drain(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  async close(timeoutMs = 5000): Promise<void> {
    this.stopped = true;
    await Promise.race([this.drain(), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    for (const a of this.alerters.values()) await a.close?.();
  }
}
