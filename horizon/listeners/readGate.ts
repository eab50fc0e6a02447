import type net from 'node:net';

/** Consulted after every TCP read: may pause the connection until the pipeline behind it catches up. */
export interface ReadGate {
  afterRead(socket: net.Socket): void;
}

export const OPEN_GATE: ReadGate = { afterRead() {} };

const POLL_MS = 5;

/**
 * Back-pressure for TCP senders: while more than `pauseAt` points wait for the Store, and the Store is
 * taking writes, connections stop being read (the kernel's buffers fill and the sender's writes block,
 * as carbon-relay expects), and resume below half of that. Without it, a listeners' thread that
 * decodes faster than the writer thread writes fills the bounded buffer and drops the oldest points
 * of a sender that could simply have been slowed down. While the Store is unavailable, reading goes
 * on and the buffer bound with drop-oldest applies as before.
 */
export class BacklogGate implements ReadGate {
  private readonly paused = new Set<net.Socket>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly backlog: () => number,
    private readonly storeTakingWrites: () => boolean,
    private readonly pauseAt: () => number,
  ) {}

  afterRead(socket: net.Socket): void {
    if (this.backlog() <= this.pauseAt() || !this.storeTakingWrites()) return;
    socket.pause();
    this.paused.add(socket);
    this.timer ??= setInterval(() => this.poll(), POLL_MS);
  }

  private poll(): void {
    if (this.backlog() > this.pauseAt() / 2 && this.storeTakingWrites()) return;
    clearInterval(this.timer);
    this.timer = undefined;
    for (const s of this.paused) if (!s.destroyed) s.resume();
    this.paused.clear();
  }
}
