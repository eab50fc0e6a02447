import type { Sink } from '../sink.js';
import { decodePickle, PickleFrameReader } from '../decoders/pickleFrames.js';
import type { ReadGate } from './readGate.js';
import { listenTcp, refusedOver, type TcpListener } from './tcp.js';

export interface PickleTcpLimits {
  /** Largest frame a sender may announce; over it the connection is closed unread. */
  readonly maxFrameBytes: number;
  /**
   * How long a frame may take from its first byte to its last: carbon-relay sends one in one go.
   * Counted from the frame's start, not from the last read, so a trickle of a byte now and then cannot
   * hold a frame's buffer open: a frame must arrive at its size / this, at least.
   */
  readonly partialFrameMs: number;
  /** Open connections at most. */
  readonly maxConnections: number;
  /** Bytes of unfinished frames all connections together may hold; the connection going over is closed. */
  readonly maxPendingBytes: number;
}

/** Unfinished-frame bytes held by a listener's connections, for its bound and its status. */
export class PendingFrames {
  bytes = 0;
}

/**
 * Pickle TCP (carbon-relay, statsd): length-prefixed pickle frames. An announced frame over the limit
 * is rejected and that connection closed, without reading or allocating the frame. A frame not
 * complete `partialFrameMs` after its first byte is dropped with its connection, and so is the frame
 * that takes the listener's unfinished frames over `maxPendingBytes`; idle connections between frames
 * are left alone (carbon-relay keeps one open for hours).
 */
export function listenPickleTcp(
  host: string,
  port: number,
  sink: Sink,
  limits: PickleTcpLimits,
  gate?: ReadGate,
  pending = new PendingFrames(),
): Promise<TcpListener> {
  const { maxFrameBytes, partialFrameMs, maxPendingBytes } = limits;
  return listenTcp(
    host,
    port,
    '--pickle-port',
    (socket, peer) => {
      const reader = new PickleFrameReader(maxFrameBytes);
      let held = 0;
      let frameTimer: NodeJS.Timeout | undefined;
      let refused = false;
      const refuse = (reason: 'oversized' | 'undecodable' | 'overload', detail: string) => {
        sink.reject(reason, peer, detail);
        refused = true;
        socket.destroy();
      };
      const hold = (bytes: number) => {
        pending.bytes += bytes - held;
        held = bytes;
      };
      socket.on('data', (data: Buffer) => {
        let oversized: number | undefined;
        let completed = false;
        try {
          oversized = reader.push(data, (frame) => {
            completed = true;
            decodePickle(frame, sink, peer);
          });
        } catch (err) {
          // Decoders report through the sink; anything thrown here is a bug, and still only this peer's problem.
          refuse('undecodable', (err as Error).message);
          return;
        }
        if (oversized !== undefined) {
          refuse(
            'oversized',
            `frame of ${oversized} bytes announced (limit ${maxFrameBytes}); connection closed`,
          );
          return;
        }
        hold(reader.pending);
        if (pending.bytes > maxPendingBytes) {
          refuse(
            'overload',
            `unfinished frames would hold ${pending.bytes} bytes (horizon.maxPendingBytes ${maxPendingBytes}); connection closed`,
          );
          return;
        }
        // The clock runs from the first byte of the frame now unfinished.
        if (completed || reader.pending === 0) {
          clearTimeout(frameTimer);
          frameTimer = undefined;
        }
        if (reader.pending > 0) {
          frameTimer ??= setTimeout(() => {
            refuse(
              'undecodable',
              `frame not complete ${partialFrameMs} ms after its first byte (${reader.pending} bytes; horizon.partialFrameTimeout); connection closed`,
            );
          }, partialFrameMs);
        }
      });
      socket.on('close', () => {
        clearTimeout(frameTimer);
        hold(0);
        if (!refused && reader.pending > 0)
          sink.reject('undecodable', peer, `connection closed inside a frame (${reader.pending} bytes)`);
      });
    },
    refusedOver(limits.maxConnections, '--pickle-port', sink),
    gate,
  );
}
