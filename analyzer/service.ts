import type { KaleConfig } from '../core/config/schema.js';
import { finishedWithin, stopWaitMs } from '../core/finishedWithin.js';
import type { RunningService, ServiceContext, StartService } from '../core/service.js';
import { observeCycle } from '../core/metrics/analyzerMetrics.js';
import { observeGroup } from '../core/metrics/analyzerGroupMetrics.js';
import { AlertDispatcher, alertersFromConfig } from './alerters/dispatcher.js';
import { getPreset } from './presets.js';
import { AnalyzerGroup } from './group.js';
import { AnalyzerRunner, type CycleReport, type RunnerOptions } from './runner.js';
import type { Shard } from './shard.js';

export interface AnalyzerServiceOptions {
  readonly shard?: Shard;
}

/**
 * Without a static shard the service joins the analyzer group (analyzer/group.ts) and judges its
 * share each cycle. The runner's options for that: this member's share, and the group's standing in
 * the status document and /metrics.
 */
function groupOptions(group: AnalyzerGroup): Pick<RunnerOptions, 'share' | 'afterCycle' | 'statsSuffix'> {
  let alone = true;
  return {
    share: { label: group.id, select: (names) => group.share(names) },
    afterCycle: async (report) => {
      const status = await group.finishCycle({
        at: report.startedAt,
        share: report.totalMetrics,
        analyzed: report.analyzed,
        runTime: report.runTime,
      });
      observeGroup(status);
      alone = status.members.length <= 1;
      return { group: status };
    },
    // One member keeps the usual series names; several would interleave their figures in them.
    statsSuffix: () => (alone ? '' : `.member.${group.id.replace(/\./g, '_')}`),
  };
}

/**
 * How long after start the first cycle waits (one interval, if that is shorter). The first seconds after
 * start are ingest's coldest: its code not yet optimised, every name new to the name table and the
 * writer. A first cycle at once put its reads, its workers' module loading and the pages of its first
 * buffers in those same seconds, and on two cores the listeners' thread then waited for a core long
 * enough for the kernel to drop datagrams (docs/benchmarks.md, "The first seconds of a soak"). Oculus's
 * first import waits longer (oculus/service.ts), so the two do not start together either.
 */
export const FIRST_CYCLE_DELAY_MS = 10_000;

/**
 * The analyzer as a service: a cycle every `analyzer.interval` seconds, timed from the start of the
 * previous cycle, the first after FIRST_CYCLE_DELAY_MS; a cycle that overruns is followed by a short
 * pause, never by back-to-back spinning. A failed cycle is logged and the next one runs on schedule.
 */
export function analyzerService(opts: AnalyzerServiceOptions = {}): StartService {
  return async (ctx: ServiceContext): Promise<RunningService> => {
    const log = ctx.log.child('analyzer');
    let config = ctx.config;
    const group = opts.shard
      ? undefined
      : new AnalyzerGroup(ctx.store, config.analyzer.interval, (members, share) =>
          log.info(
            `group: ${members.length} member(s) [${members.join(', ')}]; this one judges ${share} metrics`,
          ),
        );
    const grouped = group ? groupOptions(group) : {};
    await group?.start();
    if (group) log.info(`joined the analyzer group as ${group.id}`);
    let runner = new AnalyzerRunner({
      store: ctx.store,
      config,
      log,
      shard: opts.shard,
      ...grouped,
      onAnomalies: (r) => alerts.dispatch(r),
    });
    const alerts = new AlertDispatcher(ctx.store, config.analyzer.alerts, alertersFromConfig(config), log);
    let stopping = false;
    let timer: NodeJS.Timeout | undefined;
    let current: Promise<void> = Promise.resolve();
    let replaceWith: KaleConfig | undefined;
    let busy = false;
    let again = false;

    const cycle = async () => {
      if (replaceWith) {
        const next = replaceWith;
        replaceWith = undefined;
        await runner.close();
        config = next;
        group?.setInterval(config.analyzer.interval);
        runner = new AnalyzerRunner({
          store: ctx.store,
          config,
          log,
          shard: opts.shard,
          ...grouped,
          onAnomalies: (r) => alerts.dispatch(r),
        });
      }
      const report: CycleReport = await runner.runCycle();
      observeCycle(report);
      log.info(
        `cycle: ${report.totalMetrics} metrics, ${report.analyzed} analysed, ${report.anomalous} anomalous in ${report.runTime.toFixed(2)} s`,
        {
          exceptions: report.exceptions,
          fetch: +report.fetchSeconds.toFixed(3),
          decode: +report.decodeSeconds.toFixed(3),
          detect: +report.detectSeconds.toFixed(3),
        },
      );
    };
    const loop = () => {
      if (stopping) return;
      const started = Date.now();
      busy = true;
      current = cycle()
        .catch((err) => {
          // An abandoned cycle fails when its threads are closed under it: that is the stop, not news.
          if (!stopping) log.error(`cycle failed: ${(err as Error).stack ?? err}`);
        })
        .then(() => {
          busy = false;
          if (stopping) return;
          if (again) {
            again = false;
            timer = setTimeout(loop, 0);
            return;
          }
          const intervalMs = config.analyzer.interval * 1000;
          const minPause = Math.min(1000, intervalMs);
          timer = setTimeout(loop, Math.max(intervalMs - (Date.now() - started), minPause));
        });
    };
    timer = setTimeout(loop, Math.min(FIRST_CYCLE_DELAY_MS, config.analyzer.interval * 1000));

    return {
      name: 'analyzer',
      endpoints: {},
      runNow() {
        // A cycle under way finishes first; then one more runs at once.
        if (busy) again = true;
        else if (!stopping) {
          clearTimeout(timer);
          loop();
        }
      },
      reload(next) {
        // Throws for an unknown preset: the reload is refused and the running configuration stays.
        getPreset(next.analyzer.preset);
        replaceWith = next;
        alerts.reload(next.analyzer.alerts, alertersFromConfig(next));
      },
      async stop() {
        stopping = true;
        clearTimeout(timer);
        // A cycle waiting on an absent Redis waits as long as Redis is away: it is abandoned (its metrics
        // are judged again at the next start) so that the flags, leases and threads are still let go
        // within shutdownTimeout, and horizon's flush is not cut short by a forced exit.
        if (!(await finishedWithin(current, stopWaitMs(config.shutdownTimeout))))
          log.warn('stopping: the cycle under way is still waiting on the Store; abandoned');
        await group?.leave();
        await alerts.close();
        await runner.close();
      },
    };
  };
}

export const startAnalyzer: StartService = analyzerService();
