import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertDispatcher } from '../../analyzer/alerters/dispatcher.js';
import { pagerdutyAlerter } from '../../analyzer/alerters/pagerduty.js';
import { matchingRules, ruleMatches } from '../../analyzer/alerters/rules.js';
import { slackAlerter } from '../../analyzer/alerters/slack.js';
import { smtpAlerter } from '../../analyzer/alerters/smtp.js';
import type { Alerter } from '../../analyzer/alerters/types.js';
import { webhookAlerter } from '../../analyzer/alerters/webhook.js';
import { createLogger, setLogLevel } from '../../core/log.js';
import { EmbeddedStore } from '../../core/store/embeddedStore.js';
import type { AnomalyRecord } from '../../core/store/store.js';

setLogLevel('silent');
const log = createLogger('test');

const record = (metric = 'web.api.latency'): AnomalyRecord => ({
  metric,
  timestamp: 1_700_000_000,
  value: 912.5,
  preset: 'default',
  score: 0.78,
  votes: { grubbs: true, ks_test: false, median_absolute_deviation: null },
  episode: `${metric}@1700000000`,
  detectedAt: 1_700_000_030,
});

interface Received {
  path: string;
  body: unknown;
}

/** A real HTTP receiver on an ephemeral loopback port; `respond` decides each status (or hangs with 0). */
async function receiver(respond: (n: number) => number = () => 200) {
  const received: Received[] = [];
  const hanging: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c) => (text += c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(text) });
      const status = respond(received.length);
      if (status === 0) {
        hanging.push(res);
        return;
      }
      res.writeHead(status).end(status < 300 ? 'ok' : 'boom');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    hanging,
    close: () => {
      for (const h of hanging) h.destroy();
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('alerters against real local servers', () => {
  it('smtp delivers an e-mail through a local SMTP server', async () => {
    const mails: string[] = [];
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, _session, cb) {
        let t = '';
        stream.on('data', (c) => (t += c));
        stream.on('end', () => {
          mails.push(t);
          cb();
        });
      },
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.server.address() as AddressInfo).port;
    const alerter = smtpAlerter({
      host: '127.0.0.1',
      port,
      secure: false,
      from: 'kale@example.test',
      to: ['ops@example.test'],
    });
    try {
      await alerter.send(record());
      expect(mails).toHaveLength(1);
      expect(mails[0]).toContain('Subject: [kale] anomalous: web.api.latency');
      expect(mails[0]).toContain('To: ops@example.test');
      expect(mails[0]).toContain('grubbs: true');
    } finally {
      await alerter.close?.();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('slack, pagerduty events v2 and the generic webhook post their documented shapes', async () => {
    const rx = await receiver((n) => (n === 2 ? 202 : 200));
    try {
      await slackAlerter({ webhookUrl: `${rx.url}/services/T/B/X` }).send(record());
      await pagerdutyAlerter({ routingKey: 'rk-1', url: `${rx.url}/v2/enqueue` }).send(record());
      await webhookAlerter({ url: `${rx.url}/hook`, headers: { 'x-token': 't' } }).send(record());
      const [slack, pd, hook] = rx.received;
      expect((slack.body as { text: string }).text).toContain('web.api.latency is anomalous');
      expect(pd.body).toMatchObject({
        routing_key: 'rk-1',
        event_action: 'trigger',
        dedup_key: 'kale:web.api.latency@1700000000',
        payload: { source: 'web.api.latency', severity: 'warning', timestamp: '2023-11-14T22:13:20.000Z' },
      });
      expect(hook.body).toMatchObject({
        type: 'kale.anomaly',
        anomaly: { metric: 'web.api.latency', value: 912.5 },
      });
    } finally {
      await rx.close();
    }
  });
});

describe('alert rules and the dispatcher', () => {
  let store: EmbeddedStore;
  beforeAll(() => {
    store = EmbeddedStore.open();
  });
  afterAll(async () => store.close());

  it('match by substring (Skyline), glob or RegExp', () => {
    expect(ruleMatches({ match: 'api', via: 'slack', expiry: 60 }, 'web.api.latency')).toBe(true);
    expect(ruleMatches({ match: 'web.*.latency', via: 'slack', expiry: 60 }, 'web.api.latency')).toBe(true);
    expect(ruleMatches({ match: 'web.*.latency', via: 'slack', expiry: 60 }, 'web.api.latency.p99')).toBe(
      false,
    );
    expect(ruleMatches({ match: /latency$/, via: 'slack', expiry: 60 }, 'web.api.latency')).toBe(true);
    expect(
      matchingRules(
        [
          { match: 'db', via: 'smtp', expiry: 60 },
          { match: 'web', via: 'webhook', expiry: 60 },
        ],
        'web.x',
      ),
    ).toHaveLength(1);
  });

  it("sends one alert per (rule, metric) per expiry, through the rule's alerter", async () => {
    const rx = await receiver();
    const dispatcher = new AlertDispatcher(
      store,
      [
        { match: 'web', via: 'webhook', expiry: 3600 },
        { match: 'latency', via: 'webhook', expiry: 3600 },
        { match: 'db', via: 'webhook', expiry: 3600 },
      ],
      new Map([['webhook', webhookAlerter({ url: rx.url, headers: {} })]]),
      log,
    );
    try {
      dispatcher.dispatch([record('web.a.latency'), record('web.b')]);
      await dispatcher.drain();
      dispatcher.dispatch([record('web.a.latency'), record('web.b')]);
      await dispatcher.drain();
      // web.a.latency matches two rules, web.b one; the second cycle is de-duplicated.
      expect(rx.received).toHaveLength(3);
      expect(dispatcher.delivered).toBe(3);
    } finally {
      await dispatcher.close();
      await rx.close();
    }
  });

  it('retries a failing alerter with backoff until it succeeds', async () => {
    const rx = await receiver((n) => (n <= 2 ? 500 : 200));
    const dispatcher = new AlertDispatcher(
      store,
      [{ match: 'retry', via: 'webhook', expiry: 60 }],
      new Map([['webhook', webhookAlerter({ url: rx.url, headers: {} })]]),
      log,
      { attempts: 4, baseDelayMs: 5, maxDelayMs: 20 },
    );
    try {
      dispatcher.dispatch([record('retry.me')]);
      await dispatcher.drain();
      expect(rx.received).toHaveLength(3);
      expect(dispatcher.delivered).toBe(1);
      expect(dispatcher.failed).toBe(0);
    } finally {
      await dispatcher.close();
      await rx.close();
    }
  });

  it('gives up after the last attempt and counts the failure', async () => {
    const failing: Alerter = {
      name: 'dead',
      send: async () => {
        throw new Error('connection refused');
      },
    };
    const dispatcher = new AlertDispatcher(
      store,
      [{ match: 'dead', via: 'dead', expiry: 60 }],
      new Map([['dead', failing]]),
      log,
      { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
    );
    dispatcher.dispatch([record('dead.metric')]);
    await dispatcher.drain();
    expect(dispatcher.failed).toBe(1);
    await dispatcher.close();
  });

  it('never makes the caller wait for a receiver that hangs', async () => {
    const rx = await receiver(() => 0);
    const dispatcher = new AlertDispatcher(
      store,
      [{ match: 'hang', via: 'webhook', expiry: 60 }],
      new Map([['webhook', webhookAlerter({ url: rx.url, headers: {} })]]),
      log,
      { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
    );
    try {
      dispatcher.dispatch([record('hang.metric')]); // returns at once: nothing to await
      while (rx.received.length === 0) await new Promise((r) => setTimeout(r, 5));
      expect(rx.hanging).toHaveLength(1);
      expect(dispatcher.delivered).toBe(0);
    } finally {
      await rx.close();
      await dispatcher.close(1000);
    }
  });
});
