import { describe, expect, it } from 'vitest';
import { listenLineTcp } from '../../../horizon/listeners/lineTcp.js';
import type { TcpListener } from '../../../horizon/listeners/tcp.js';
import { RecordingSink, waitFor } from '../support.js';
import { closedAfterEach } from './closedAfterEach.js';
import { closed, connect } from './connect.js';

const opened = closedAfterEach<TcpListener>();

describe('listenLineTcp', () => {
  it('reassembles lines split across writes, and keeps a last line sent without its newline', async () => {
    const sink = new RecordingSink();
    const listener = opened(await listenLineTcp('127.0.0.1', 0, sink, 1024, 10));
    const client = await connect(listener.port);
    client.write('a.b 1.5 17000');
    await new Promise((r) => setTimeout(r, 20));
    client.write('00000\nc.d 2 1700000001');
    client.end();
    await waitFor(
      () => sink.points.length,
      (n) => n === 2,
    );
    expect(sink.points).toEqual([
      ['a.b', '1700000000', '1.5'],
      ['c.d', '1700000001', '2'],
    ]);
    expect(sink.rejects).toEqual([]);
  });

  it('counts an overlong line as oversized and goes on with the next on the same connection', async () => {
    const sink = new RecordingSink();
    const listener = opened(await listenLineTcp('127.0.0.1', 0, sink, 64, 10));
    const client = await connect(listener.port);
    client.write(`${'x'.repeat(200)} 1 1700000000\nok 3 1700000002\n`);
    await waitFor(
      () => sink.points.length,
      (n) => n === 1,
    );
    expect(sink.points).toEqual([['ok', '1700000002', '3']]);
    expect(sink.rejects.map((r) => r.reason)).toEqual(['oversized']);
    expect(client.destroyed).toBe(false);
    client.destroy();
  });

  it('refuses connections over its cap as overload, naming the flag and the key', async () => {
    const sink = new RecordingSink();
    const listener = opened(await listenLineTcp('127.0.0.1', 0, sink, 1024, 1));
    const first = await connect(listener.port);
    first.write('first 1 1700000000\n');
    await waitFor(
      () => sink.points.length,
      (n) => n === 1,
    );
    const second = await connect(listener.port);
    await closed(second);
    expect(sink.rejects).toEqual([
      {
        reason: 'overload',
        detail: 'connection refused: 1 already open on --line-port (horizon.maxConnections)',
        count: 1,
      },
    ]);
    first.destroy();
  });
});
