import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { BacklogGate } from '../../../horizon/listeners/readGate.js';
import { waitFor } from '../support.js';

/** A real loopback connection whose server side reads through `gate`; returns the server socket. */
async function gatedConnection(
  gate: BacklogGate,
): Promise<{ server: net.Socket; client: net.Socket; close: () => void }> {
  const srv = net.createServer();
  const accepted = new Promise<net.Socket>((resolve) => {
    srv.once('connection', (s: net.Socket) => {
      s.on('data', () => gate.afterRead(s));
      resolve(s);
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const client = net.connect((srv.address() as net.AddressInfo).port, '127.0.0.1');
  const server = await accepted;
  return {
    server,
    client,
    close: () => {
      client.destroy();
      server.destroy();
      srv.close();
    },
  };
}

describe('TCP back-pressure from the writer backlog', () => {
  it('pauses reading while the backlog is over the mark and the Store takes writes, and resumes below half of it', async () => {
    let backlog = 0;
    let storeAlive = true;
    const gate = new BacklogGate(
      () => backlog,
      () => storeAlive,
      () => 100,
    );
    const { server, client, close } = await gatedConnection(gate);
    client.write('a');
    await waitFor(
      () => server.bytesRead,
      (n) => n === 1,
    );
    expect(server.isPaused()).toBe(false);
    backlog = 101;
    client.write('b');
    await waitFor(
      () => server.isPaused(),
      (p) => p,
    );
    expect(server.isPaused()).toBe(true);
    backlog = 60; // under the mark, not under half of it
    await new Promise((r) => setTimeout(r, 30));
    expect(server.isPaused()).toBe(true);
    backlog = 40;
    expect(
      await waitFor(
        () => server.isPaused(),
        (p) => !p,
      ),
    ).toBe(false);
    // The Store is down: reading goes on (the buffer bound and drop-oldest apply instead).
    backlog = 1000;
    storeAlive = false;
    client.write('c');
    await waitFor(
      () => server.bytesRead,
      (n) => n === 3,
    );
    expect(server.isPaused()).toBe(false);
    close();
  });
});
