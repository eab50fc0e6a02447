import { postJson } from './http.js';
import type { Alerter } from './types.js';

/** Generic JSON webhook: the anomaly record as it is stored. */
export function webhookAlerter(cfg: { url: string; headers: Record<string, string> }): Alerter {
  return {
    name: 'webhook',
    send: (r) => postJson(cfg.url, { type: 'kale.anomaly', anomaly: r }, cfg.headers),
  };
}
