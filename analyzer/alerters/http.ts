import { AlertDeliveryError } from './types.js';

/** POSTs JSON; anything but a 2xx within `timeoutMs` is a failure (the dispatcher retries). */
export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
  timeoutMs = 10_000,
): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new AlertDeliveryError(`POST ${redact(url)}: ${(err as Error).message}`);
  }
  const text = await res.text().catch(() => '');
  if (res.status < 200 || res.status >= 300) {
    throw new AlertDeliveryError(`POST ${redact(url)}: HTTP ${res.status} ${text.slice(0, 200)}`);
  }
}

/** Webhook URLs carry secrets in their path: log only the origin. */
function redact(url: string): string {
  try {
    return new URL(url).origin + '/…';
  } catch {
    return 'webhook';
  }
}
