import { postJson } from './http.js';
import { summary, type Alerter } from './types.js';

/** Slack incoming webhook: `{"text": …}`. */
export function slackAlerter(cfg: { webhookUrl: string }): Alerter {
  return {
    name: 'slack',
    send: (r) => postJson(cfg.webhookUrl, { text: summary(r) }),
  };
}
