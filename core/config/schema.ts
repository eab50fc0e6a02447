import os from 'node:os';
import { z } from 'zod';
import { parseRedisTarget } from '../store/redisUrl.js';
import { elasticsearchNodes } from './elasticsearchNodes.js';

/** A listener port: a number (0 = let the OS choose) or 'off' to keep the listener closed. */
export const portSchema = z.union([z.number().int().min(0).max(65535), z.literal('off')], {
  error: "expected a port number 0-65535 or 'off'",
});
export type Port = z.infer<typeof portSchema>;

/** Functions in a JS/TS config (transforms, custom detectors) are kept as they are. */
const fn = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', 'expected a function');

const patternSchema = z.union([z.string(), z.instanceof(RegExp)]);

const intervalSchema = z
  .object({
    step: z.union([z.number().positive(), z.string()]),
    steps: z.number().int().positive().optional(),
    resolution: z.union([z.number().positive(), z.string()]).optional(),
  })
  .strict();

export const torusSchemaSchema = z
  .object({
    name: z.string().min(1),
    type: z.enum(['series', 'histogram', 'count', 'gauge', 'set']),
    match: z.union([patternSchema, z.array(patternSchema)]),
    intervals: z.record(z.string(), intervalSchema),
    prefix: z.string().optional(),
    transform: fn.optional(),
    readFn: fn.optional(),
    writeFn: fn.optional(),
    rolling: z.boolean().optional(),
  })
  .strict();

const alertRuleSchema = z
  .object({
    match: patternSchema,
    via: z.string().min(1),
    expiry: z.number().int().positive().default(3600),
  })
  .strict();

const alertersSchema = z
  .object({
    smtp: z
      .object({
        host: z.string(),
        port: z.number().int().positive(),
        secure: z.boolean().default(false),
        from: z.string(),
        to: z.union([z.string(), z.array(z.string())]),
        user: z.string().optional(),
        pass: z.string().optional(),
      })
      .strict()
      .optional(),
    slack: z.object({ webhookUrl: z.string().url() }).strict().optional(),
    pagerduty: z
      .object({
        routingKey: z.string(),
        url: z.string().url().default('https://events.pagerduty.com/v2/enqueue'),
      })
      .strict()
      .optional(),
    webhook: z
      .object({ url: z.string().url(), headers: z.record(z.string(), z.string()).default({}) })
      .strict()
      .optional(),
  })
  .strict()
  .prefault({});

export const configSchema = z
  .object({
    redis: z
      .object({
        // redis://host:port[/db] for one server, redis-cluster://host:port[,host:port…] for a Redis Cluster.
        url: z
          .string()
          .superRefine((url, ctx) => {
            try {
              parseRedisTarget(url);
            } catch (err) {
              ctx.addIssue({ code: 'custom', message: (err as Error).message });
            }
          })
          .optional(),
      })
      .strict()
      .prefault({}),
    dataDir: z.string().default('.kale-data'),
    /** The embedded store under dataDir (docs/architecture.md, "The embedded store on disk"). */
    embedded: z
      .object({
        /** Milliseconds between group commits of the append log, each fsynced: the most a kill -9 loses. */
        commitMs: z.number().int().positive().max(60_000).default(1000),
        /** Log bytes that start a compaction into a new snapshot (on a worker thread), or half the snapshot's size if more. */
        compactBytes: z
          .number()
          .int()
          .positive()
          .default(64 * 1024 * 1024),
      })
      .strict()
      .prefault({}),
    elasticsearch: z
      .object({
        // One URL, or every node's URL separated by commas (a cluster: the client fails over between them).
        url: z
          .string()
          .superRefine((v, ctx) => {
            try {
              elasticsearchNodes(v);
            } catch (err) {
              ctx.addIssue({ code: 'custom', message: (err as Error).message });
            }
          })
          .optional(),
        index: z.string().default('kale-shapes'),
        // Replica copies of each new index: 'auto' is 1 when the cluster has more than one data node at import time, else 0.
        replicas: z.union([z.literal('auto'), z.number().int().min(0).max(10)]).default('auto'),
        // scan: exact search over each process's copy of the shapes; knn: server-side candidates, rescored exactly.
        search: z.enum(['scan', 'knn']).default('scan'),
        knnCandidates: z.number().int().min(1).max(10_000).default(500),
      })
      .strict()
      .prefault({}),
    logLevel: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
    /** Seconds SIGTERM waits for the services to flush and stop before the process exits anyway. */
    shutdownTimeout: z.number().positive().default(10),
    host: z.string().default('127.0.0.1'),
    fullDuration: z.number().int().positive().default(86400),
    miniDuration: z.number().int().positive().default(3600),
    stalePeriod: z.number().int().positive().default(500),
    maxResolution: z.number().int().positive().default(1000),
    horizon: z
      .object({
        picklePort: portSchema.default(2024),
        udpPort: portSchema.default(2025),
        linePort: portSchema.default(2003),
        maxFrameBytes: z
          .number()
          .int()
          .positive()
          .default(1024 * 1024),
        maxFutureSeconds: z.number().int().nonnegative().default(600),
        skip: z.array(patternSchema).default([]),
        schemas: z.array(torusSchemaSchema).default([]),
        aggregates: z.array(z.tuple([z.string(), z.string()])).default([]),
        batchMs: z.number().int().positive().default(20),
        batchPoints: z.number().int().positive().default(10_000),
        bufferPoints: z.number().int().positive().default(2_000_000),
        /** Bytes the writer's queue may hold (columns and torus writes); past it the oldest are dropped, counted as `buffer_bytes`. */
        bufferBytes: z
          .number()
          .int()
          .positive()
          .default(64 * 1024 * 1024),
        roombaInterval: z.number().int().positive().default(60),
        roombaGrace: z.number().int().nonnegative().default(600),
        selfMetricsInterval: z.number().int().positive().default(10),
        /** Open connections per TCP listener (pickle, plaintext); more are closed at once and counted. */
        maxConnections: z.number().int().positive().default(1000),
        /** Bytes of unfinished pickle frames all connections together may hold. */
        maxPendingBytes: z
          .number()
          .int()
          .positive()
          .default(64 * 1024 * 1024),
        /** Seconds a pickle frame may take from its first byte to its last. */
        partialFrameTimeout: z.number().positive().default(60),
        /** Prometheus remote_write (POST /api/v1/write, docs/prometheus.md); closed unless given a port. */
        remoteWritePort: portSchema.default('off'),
        remoteWrite: z
          .object({
            maxBodyBytes: z
              .number()
              .int()
              .positive()
              .default(16 * 1024 * 1024),
            maxDecodedBytes: z
              .number()
              .int()
              .positive()
              .default(64 * 1024 * 1024),
            /** Dotted names from labels, e.g. `prom.{job}.{__name__}`; unset = Graphite's tagged `name;label=value;…`. */
            template: z
              .string()
              .regex(/\{[A-Za-z_][A-Za-z0-9_]*\}/, {
                error: 'expected a template naming at least one {label}, e.g. "prom.{job}.{__name__}"',
              })
              .optional(),
            /** `rate`: counters are stored as per-second rates; `raw`: as sent. */
            counters: z.enum(['rate', 'raw']).default('rate'),
          })
          .strict()
          .prefault({}),
      })
      .strict()
      .prefault({}),
    analyzer: z
      .object({
        interval: z.number().positive().default(60),
        // Worker threads for the analysis cycle; 0 judges on the main thread.
        workers: z.number().int().nonnegative().default(Math.max(1, os.availableParallelism())),
        preset: z.string().default('default'),
        minTolerableLength: z.number().int().positive().default(1),
        maxTolerableBoredom: z.number().int().positive().default(100),
        boredomSetSize: z.number().int().positive().default(1),
        consensus: z.number().int().positive().default(6),
        secondOrder: z.boolean().default(false),
        /**
         * Seconds a worker thread may take over one chunk of 500 metrics (normally well under one) before
         * it is replaced and the chunk's metrics are counted as `Timeout`: no input can stall the analyzer.
         */
        chunkTimeout: z.number().positive().default(60),
        /**
         * Seconds a cycle may run; metrics not reached by then are counted as `Deadline` and the next cycle
         * starts on schedule. Unset: the interval, but at least 30 s (a cycle never runs into the next).
         */
        cycleDeadline: z.number().positive().optional(),
        historyRetention: z
          .number()
          .int()
          .positive()
          .default(30 * 86400),
        /** Seconds without a detection that end an episode (at least 3 cycles). */
        episodeGap: z.number().nonnegative().default(600),
        /** Seconds after an episode ends during which a new one is recorded but does not alert. */
        quietPeriod: z.number().nonnegative().default(1800),
        /** Lowest score flagged (default preset) or alerting (etsy, consensus); unset = the preset's (default 0.4, consensus 0.75, etsy 0). */
        alertScore: z.number().min(0).max(1).optional(),
        /**
         * Torus buckets the seasonal detectors may read per cycle (history one day / one week back). Caps
         * a cold start's first cycles; raise it with many metrics and a fast Redis to warm up sooner.
         */
        seasonalReadsPerCycle: z.number().int().positive().default(25_000),
        alerts: z.array(alertRuleSchema).default([]),
        alerters: alertersSchema,
        customDetectors: z.record(z.string(), fn).default({}),
      })
      .strict()
      .prefault({}),
    /** How the analyzer and oculus read whole windows beside ingest (core/store/readPacer.ts). */
    reads: z
      .object({
        /** Windows per read command. */
        batch: z.number().int().positive().default(100),
        /** ...or as many as fit this many bytes at the last read's bytes per window, if fewer. */
        batchBytes: z
          .number()
          .int()
          .positive()
          .default(4 * 2 ** 20),
        /** Read commands outstanding at once, per reader. */
        inFlight: z.number().int().positive().default(2),
        /** No new read starts while this process's writer holds more points than this... */
        backlogMark: z.number().int().nonnegative().default(100_000),
        /** ...for at most this long per read, so readers slow down but never stop. */
        maxWaitMs: z.number().int().nonnegative().default(2000),
        /** Most of its thread's time a reader keeps busy (the listeners' thread, under `kale start`); it pauses beyond. */
        threadShare: z.number().min(0).max(1).default(0.5),
      })
      .strict()
      .prefault({}),
    oculus: z
      .object({
        interval: z.number().positive().default(120),
        paaDims: z.number().int().positive().default(32),
        windows: z.array(z.enum(['1h', '24h'])).default(['1h', '24h']),
      })
      .strict()
      .prefault({}),
    /** GET /metrics (Prometheus text) on its own port, for a service run alone (`kale horizon`…); `kale start` serves it on the webapp. */
    metrics: z
      .object({ port: portSchema.default('off') })
      .strict()
      .prefault({}),
    webapp: z
      .object({
        port: portSchema.default(1500),
        host: z.string().default('127.0.0.1'),
        token: z.string().optional(),
        basicAuth: z.object({ user: z.string(), pass: z.string() }).strict().optional(),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type KaleConfig = z.infer<typeof configSchema>;
export type TorusSchemaConfig = z.infer<typeof torusSchemaSchema>;
