import { postJson } from './http.js';
import { summary, type Alerter } from './types.js';

/** PagerDuty Events API v2 `trigger`, de-duplicated by episode so one incident covers one episode. */
export function pagerdutyAlerter(cfg: { routingKey: string; url: string }): Alerter {
  return {
    name: 'pagerduty',
    send: (r) =>
      postJson(cfg.url, {
        routing_key: cfg.routingKey,
        event_action: 'trigger',
        dedup_key: `kale:${r.episode}`,
        payload: {
          summary: summary(r).slice(0, 1024),
          source: r.metric,
          severity: 'warning',
          timestamp: new Date(r.timestamp * 1000).toISOString(),
          component: 'kale-analyzer',
          custom_details: {
            value: r.value,
            score: r.score,
            votes: r.votes,
            preset: r.preset,
            episode: r.episode,
          },
        },
      }),
  };
}
