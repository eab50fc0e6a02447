import net from 'node:net';
import { once } from 'node:events';
import { CommandFailure } from '../../core/cli.js';
import type { NamedPoint, Proto, Sender } from './sender.js';

/**
 * How long connecting, a blocked write, or the close after the last point may take. Kale's listeners
 * read at once and close when the sender does; a port held by some other program may do neither, and
 * the sender then says so instead of waiting forever.
 */
export const SENDER_TIMEOUT_MS = 10_000;

/**
 * One long-lived TCP connection (as carbon-relay keeps one), writing whatever `encode` makes of each
 * batch and waiting for 'drain' when the socket buffer is full, so a fast producer cannot grow memory.
 */
export async function connectTcp(
  proto: Proto,
  host: string,
  port: number,
  encode: (points: ReadonlyArray<NamedPoint>) => Buffer,
): Promise<Sender> {
  const socket = net.connect({ host, port });
  socket.setNoDelay(true);
  let failure: Error | undefined;
  let closed = false;
  socket.on('error', (err) => {
    failure = err;
  });
  socket.once('close', () => {
    closed = true;
  });
  const where = `the ${proto} listener at ${host}:${port}`;
  const timedOut = (what: string) => {
    socket.destroy();
    return new CommandFailure(
      `${where} ${what} within ${SENDER_TIMEOUT_MS / 1000} s: is it kale's ${proto} port (see the ports on kale's ready line)?`,
    );
  };
  try {
    if (!(await settles(once(socket, 'connect')))) throw timedOut('did not accept the connection');
  } catch (err) {
    if (err instanceof CommandFailure) throw err;
    throw new CommandFailure(
      `cannot connect to ${where} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): is kale running there?`,
    );
  }
  const failed = () => new CommandFailure(`${where} failed: ${failure!.message}`);
  return {
    proto,
    async send(points) {
      if (failure) throw failed();
      if (points.length && !socket.write(encode(points)) && !(await settles(drained(socket))))
        throw timedOut('took no data');
      if (failure) throw failed();
    },
    async close() {
      if (failure) throw failed();
      // 'close' may have come already (the peer hung up), or never come (the peer never closes).
      if (!closed) {
        socket.end();
        if (!(await settles(once(socket, 'close'))))
          throw timedOut('did not close the connection after the last point');
      }
      if (failure) throw failed();
    },
  };
}

/** True when `p` settles within SENDER_TIMEOUT_MS, false when it has not by then (a rejection rethrows). */
async function settles(p: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), SENDER_TIMEOUT_MS);
  });
  const settled = p.then(() => true as const);
  // Once it is too late, a rejection still to come has nobody to tell.
  settled.catch(() => {});
  try {
    return await Promise.race([settled, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves on 'drain' or 'close', removing both listeners (a long run waits for drain many times). */
function drained(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}
