import { execFileSync } from 'node:child_process';
import { validateConfig } from '../../core/config/load.js';
import type { KaleConfig } from '../../core/config/schema.js';
import { createLogger, setLogLevel } from '../../core/log.js';
import type { Store } from '../../core/store/store.js';
import type { Sink } from '../../horizon/sink.js';
import type { RejectReason } from '../../horizon/validate.js';
import { startHorizonWith, type HorizonExtras } from '../../horizon/service.js';

// Rejects are logged as warnings by design; tests assert on counters instead.
setLogLevel('silent');

/** Debian's python3 (it has python3-msgpack); the python3 first on PATH may not. */
export const PYTHON = '/usr/bin/python3';

/** Runs a Python snippet and returns its stdout as bytes. */
export function python(code: string, args: string[] = []): Buffer {
  return execFileSync(PYTHON, ['-c', code, ...args], { maxBuffer: 64 * 1024 * 1024 });
}

/** carbon-relay's frame for [('a.b.c', (1700000000, 1.5))], captured: a 4-byte length, then protocol 2 pickle. */
export const CARBON_RELAY_FRAME = Buffer.from(
  '0000002b80025d71005805000000612e622e6371014741d954fc40000000473ff8000000000000867102867103612e',
  'hex',
);

/** A Sink that records what decoders deliver, for decoder-level tests. */
export class RecordingSink implements Sink {
  readonly points: Array<[unknown, unknown, unknown]> = [];
  readonly rejects: Array<{ reason: RejectReason; detail: string; count: number }> = [];
  point(name: unknown, ts: unknown, value: unknown): void {
    this.points.push([name, ts, value]);
  }
  pointBytes(
    bytes: Uint8Array,
    start: number,
    end: number,
    latin1: boolean,
    ts: number,
    value: number,
  ): void {
    this.points.push([
      Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString(latin1 ? 'latin1' : 'utf8'),
      ts,
      value,
    ]);
  }
  reject(reason: RejectReason, _peer: string, detail: string, count = 1): void {
    this.rejects.push({ reason, detail, count });
  }
}

export function testConfig(
  horizon: Record<string, unknown> = {},
  top: Record<string, unknown> = {},
): KaleConfig {
  return validateConfig({
    logLevel: 'silent',
    ...top,
    horizon: {
      picklePort: 0,
      udpPort: 0,
      linePort: 0,
      batchMs: 5,
      selfMetricsInterval: 3600,
      roombaInterval: 3600,
      ...horizon,
    },
  });
}

/** Starts horizon in this process on ephemeral ports. */
export async function startTestHorizon(
  store: Store,
  config: KaleConfig = testConfig(),
  extras: HorizonExtras = {},
) {
  return startHorizonWith({ config, store, log: createLogger('test') }, extras);
}

export async function waitFor<T>(
  probe: () => Promise<T> | T,
  done: (v: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (done(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Reads a metric's window as [[ts, value], …]. */
export async function pointsOf(store: Store, name: string): Promise<Array<[number, number]>> {
  const [s] = await store.readWindows([name]);
  if (!s) return [];
  return Array.from(s.timestamps, (t, i) => [t, s.values[i]]);
}
