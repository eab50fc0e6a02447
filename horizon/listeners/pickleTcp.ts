import type { Sink } from '../sink.js';
import { decodePickle, PickleFrameReader } from '../decoders/pickleFrames.js';
import type { ReadGate } from './readGate.js';
import { listenTcp, type TcpListener } from './tcp.js';

/** How long a connection may sit inside an unfinished frame; carbon-relay sends a frame in one go. */
export const PARTIAL_FRAME_TIMEOUT_MS = 60_000;

/**
 * Pickle TCP (carbon-relay, statsd): length-prefixed pickle frames. An announced frame over the limit
 * is rejected and that connection closed, without reading or allocating the frame. A connection that
 * stalls inside a frame is closed after `partialFrameMs`, so slow senders cannot pin buffers forever;
 * idle connections between frames are left alone (carbon-relay keeps one open for hours).
 */
export function listenPickleTcp(host: string, port: number, sink: Sink, maxFrameBytes: number, partialFrameMs = PARTIAL_FRAME_TIMEOUT_MS, gate?: ReadGate): Promise<TcpListener> {
  return listenTcp(host, port, '--pickle-port', (socket, peer) => {
    const reader = new PickleFrameReader(maxFrameBytes);
    let refused = false;
    socket.on('data', (data: Buffer) => {
      let oversized: number | undefined;
      try {
        oversized = reader.push(data, (frame) => decodePickle(frame, sink, peer));
      } catch (err) {
        // Decoders report through the sink; anything thrown here is a bug, and still only this peer's problem.
        sink.reject('undecodable', peer, (err as Error).message);
        socket.destroy();
        return;
      }
      if (oversized !== undefined) {
        sink.reject('oversized', peer, `frame of ${oversized} bytes announced (limit ${maxFrameBytes}); connection closed`);
        refused = true;
        socket.destroy();
        return;
      }
      socket.setTimeout(reader.pending > 0 ? partialFrameMs : 0);
    });
    socket.on('timeout', () => {
      sink.reject('undecodable', peer, `stalled ${partialFrameMs} ms inside a frame (${reader.pending} bytes); connection closed`);
      refused = true;
      socket.destroy();
    });
    socket.on('close', () => {
      if (!refused && reader.pending > 0) sink.reject('undecodable', peer, `connection closed inside a frame (${reader.pending} bytes)`);
    });
  }, gate);
}
