import net from 'node:net';
import { once } from 'node:events';
import type { NamedPoint, Proto, Sender } from './sender.js';

/**
 * One long-lived TCP connection (as carbon-relay keeps one), writing whatever `encode` makes of each
 * batch and waiting for 'drain' when the socket buffer is full, so a fast producer cannot grow memory.
 */
export async function connectTcp(proto: Proto, host: string, port: number, encode: (points: ReadonlyArray<NamedPoint>) => Buffer): Promise<Sender> {
  const socket = net.connect({ host, port });
  socket.setNoDelay(true);
  let failure: Error | undefined;
  socket.on('error', (err) => { failure = err; });
  try {
    await once(socket, 'connect');
  } catch (err) {
    throw new Error(`cannot connect to the ${proto} listener at ${host}:${port} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): is kale running there?`);
  }
  return {
    proto,
    async send(points) {
      if (failure) throw failure;
      if (points.length && !socket.write(encode(points))) await drained(socket);
      if (failure) throw failure;
    },
    async close() {
      if (failure) throw failure;
      socket.end();
      await once(socket, 'close');
      if (failure) throw failure;
    },
  };
}

/** Resolves on 'drain' or 'close', removing both listeners (a long run waits for drain many times). */
function drained(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => { socket.off('drain', done); socket.off('close', done); resolve(); };
    socket.on('drain', done);
    socket.on('close', done);
  });
}
