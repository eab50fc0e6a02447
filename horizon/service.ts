/**
 * The horizon service: listeners → decoders → Ingest (validate, skip, route) → Writer → Store, plus
 * roomba and self-metrics. Used by `kale horizon` and `kale start`.
 */
import type { KaleConfig } from '../core/config/schema.js';
import { finishedWithin, stopWaitMs } from '../core/finishedWithin.js';
import type { RunningService, ServiceContext, StartService } from '../core/service.js';
import { IngestCounters } from './counters.js';
import { decodeMsgpackDatagram } from './decoders/msgpackDatagram.js';
import { decodePickleDatagram } from './decoders/pickleFrames.js';
import { Ingest } from './ingest.js';
import { listenLineTcp } from './listeners/lineTcp.js';
import { listenPickleTcp, PendingFrames } from './listeners/pickleTcp.js';
import { BacklogGate } from './listeners/readGate.js';
import { listenUdp, RECV_BUFFER, type UdpListener } from './listeners/udp.js';
import { listenRemoteWrite } from './listeners/remoteWrite.js';
import { remoteWriteOptions, writerPressure } from './remoteWrite/options.js';
import { scheduleRoomba } from './roomba.js';
import { Router } from '../core/torus/router.js';
import { reportSelfMetrics } from './selfMetrics.js';
import { exposeHorizon } from '../core/metrics/horizonMetrics.js';
import { ProtocolSink } from '../core/metrics/protocolSink.js';
import type { Logger } from '../core/log.js';
import type { Store } from '../core/store/store.js';
import { ThreadedWriter } from './threadedWriter.js';
import { Writer, type PointWriter, type WriterOptions } from './writer.js';

/** Longest plaintext line accepted: a 512-byte name plus value and timestamp, with room to spare. */
const MAX_LINE_BYTES = 4096;
/** The share of shutdownTimeout SIGTERM gives the Store to take what is queued; the rest is for saying so. */
const STOP_FLUSH_SHARE = 0.75;
/** TCP reads pause above this many points waiting for the Store (or half the buffer bound, if smaller). */
const PAUSE_READS_AT = 400_000;
/** The Store counts as taking writes when one succeeded this recently. */
const STORE_ALIVE_MS = 1000;

const writerOptions = (h: KaleConfig['horizon']): WriterOptions => ({
  batchMs: h.batchMs,
  batchPoints: h.batchPoints,
  bufferPoints: h.bufferPoints,
  bufferBytes: h.bufferBytes,
});

/**
 * A store that offers a writer connection (Redis) is written from its own thread on its own connection.
 * One that does not (the embedded store lives in this thread's memory) is written from this thread.
 */
function openWriter(store: Store, counters: IngestCounters, opts: WriterOptions, log: Logger): PointWriter {
  const connection = store.writerConnection();
  return connection
    ? new ThreadedWriter(connection, counters, opts, log)
    : new Writer(store, counters, opts, log);
}

/**
 * Datagrams that arrive while the kernel's receive buffer is full are lost before horizon sees them;
 * Linux caps the buffer at net.core.rmem_max (often 4 MiB, ~170 ms at 300,000 points/s), so say what
 * was granted, and how to get more.
 */
function logRecvBuffer(udp: UdpListener, log: Logger): void {
  const granted = udp.recvBufferBytes;
  const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
  if (granted >= RECV_BUFFER) log.info(`UDP receive buffer ${mib(granted)}`, { port: udp.port });
  else
    log.warn(
      `UDP receive buffer ${mib(granted)} (asked ${mib(RECV_BUFFER)}; capped by net.core.rmem_max): bursts over it are lost; for high rates run sysctl -w net.core.rmem_max=${RECV_BUFFER}`,
      { port: udp.port },
    );
}

export interface HorizonExtras {
  /** Clock for validation (epoch seconds); tests replay captured frames with their own time. */
  readonly now?: () => number;
}

export const startHorizon: StartService = (ctx) => startHorizonWith(ctx);

export async function startHorizonWith(
  ctx: ServiceContext,
  extras: HorizonExtras = {},
): Promise<RunningService & { readonly counters: IngestCounters; readonly writer: PointWriter }> {
  let config = ctx.config;
  const log = ctx.log.child('horizon');
  const counters = new IngestCounters();
  const writer = openWriter(ctx.store, counters, writerOptions(config.horizon), log.child('writer'));
  const ingest = new Ingest(
    new Router(config.horizon),
    writer,
    counters,
    { maxResolution: config.maxResolution, maxFutureSeconds: config.horizon.maxFutureSeconds },
    log,
    extras.now,
  );
  writer.start();

  const backlog = {
    depth: () => writer.depth,
    storeTakingWrites: () => performance.now() - counters.lastWriteAt < STORE_ALIVE_MS,
    limit: () => Math.min(PAUSE_READS_AT, config.horizon.bufferPoints / 2),
  };
  const gate = new BacklogGate(backlog.depth, backlog.storeTakingWrites, backlog.limit);

  const closers: Array<() => Promise<void>> = [];
  // Each listener gets Ingest through a sink that counts its protocol's points and rejects for /metrics.
  const protocols: ProtocolSink[] = [];
  const sinkFor = (protocol: string) => protocols[protocols.push(new ProtocolSink(protocol, ingest)) - 1];
  const pendingFrames = new PendingFrames();
  const endpoints: Record<string, number> = {};
  const host = config.host;
  try {
    const { picklePort, udpPort, linePort } = config.horizon;
    if (picklePort !== 'off') {
      const tcp = await listenPickleTcp(
        host,
        picklePort,
        sinkFor('pickle_tcp'),
        {
          maxFrameBytes: config.horizon.maxFrameBytes,
          partialFrameMs: config.horizon.partialFrameTimeout * 1000,
          maxConnections: config.horizon.maxConnections,
          maxPendingBytes: config.horizon.maxPendingBytes,
        },
        gate,
        pendingFrames,
      );
      closers.push(tcp.close);
      // Pickle over UDP shares the pickle port number (2024/udp), as in Skyline.
      const udp = await listenUdp(
        host,
        tcp.port,
        '--pickle-port',
        sinkFor('pickle_udp'),
        decodePickleDatagram,
      );
      closers.push(udp.close);
      endpoints.pickle = tcp.port;
    }
    if (udpPort !== 'off') {
      const udp = await listenUdp(host, udpPort, '--udp-port', sinkFor('msgpack_udp'), decodeMsgpackDatagram);
      closers.push(udp.close);
      logRecvBuffer(udp, log);
      endpoints.udp = udp.port;
    }
    if (linePort !== 'off') {
      const line = await listenLineTcp(
        host,
        linePort,
        sinkFor('line'),
        MAX_LINE_BYTES,
        config.horizon.maxConnections,
        gate,
      );
      closers.push(line.close);
      endpoints.line = line.port;
    }
    if (config.horizon.remoteWritePort !== 'off') {
      const rw = await listenRemoteWrite(
        host,
        config.horizon.remoteWritePort,
        sinkFor('remote_write'),
        () => ({ ...config.horizon.remoteWrite, maxConnections: config.horizon.maxConnections }),
        remoteWriteOptions(() => config.horizon.remoteWrite),
        writerPressure(backlog),
      );
      closers.push(rw.close);
      endpoints.remoteWrite = rw.port;
    }
  } catch (err) {
    await Promise.allSettled(closers.map((c) => c()));
    await writer.close(0);
    throw err;
  }

  const roomba = scheduleRoomba(
    ctx.store,
    () => config.fullDuration + config.horizon.roombaGrace,
    config.horizon.roombaInterval,
    log.child('roomba'),
    (names) => writer.forget(names),
  );
  let previous: Record<string, number> = {};
  const report = () => {
    previous = reportSelfMetrics(counters, writer, ctx.store, previous, {
      endpoints,
      pendingFrameBytes: pendingFrames.bytes,
    });
  };
  let selfTimer = setInterval(report, config.horizon.selfMetricsInterval * 1000);
  selfTimer.unref();
  log.info('listening', endpoints);
  const unexpose = exposeHorizon({ counters, writer, protocols });

  return {
    name: 'horizon',
    endpoints,
    counters,
    writer,
    reload(next: KaleConfig) {
      // Build everything first: a bad schema leaves the running configuration in place.
      const router = new Router(next.horizon);
      config = next;
      ingest.router = router;
      ingest.limits = {
        ...ingest.limits,
        maxAge: next.maxResolution,
        maxFuture: next.horizon.maxFutureSeconds,
      };
      writer.setOptions(writerOptions(next.horizon));
      clearInterval(selfTimer);
      selfTimer = setInterval(report, next.horizon.selfMetricsInterval * 1000);
      selfTimer.unref();
      log.info('reloaded skip list, schemas and aggregates', {
        schemas: router.schemas.length,
        aggregates: router.aggregates.length,
        skip: next.horizon.skip.length,
      });
    },
    async stop() {
      // The flush's share counts from the signal: what runs before it must not push it past shutdownTimeout.
      const flushMs = config.shutdownTimeout * 1000 * STOP_FLUSH_SHARE;
      const flushBy = Date.now() + flushMs;
      await Promise.allSettled(closers.map((c) => c()));
      clearInterval(selfTimer);
      unexpose();
      // A pass trimming on an absent Redis waits as long as Redis is away.
      await finishedWithin(roomba.stop(), stopWaitMs(config.shutdownTimeout));
      report();
      const left = await writer.close(Math.max(0, flushBy - Date.now()));
      if (left)
        log.error(
          `stopped with ${left} points not written: the Store did not take them within ${flushMs / 1000} s, and they are dropped (${counters.dropped} dropped earlier by the buffer bound)`,
        );
      else log.info('flushed, stopped', { written: counters.written });
    },
  };
}
