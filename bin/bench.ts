import type { Command } from 'commander';
import { analyzerBenchCommand } from '../utils/bench/analyzerBench.js';
import { analyzerGroupBenchCommand } from '../utils/bench/analyzerGroupBench.js';
import { capacityBenchCommand } from '../utils/bench/capacityBench.js';
import { detectionBenchCommand } from '../utils/bench/detectionBench.js';
import { elasticClusterBenchCommand } from '../utils/bench/elasticClusterBench.js';
import { embeddedBenchCommand } from '../utils/bench/embeddedBench.js';
import { failoverBenchCommand } from '../utils/bench/failoverBench.js';
import { quietBenchCommand } from '../utils/bench/quietBench.js';
import { oculusBenchCommand } from '../utils/bench/oculusBench.js';
import { renderBenchCommand } from '../utils/bench/renderBench.js';
import { roombaBenchCommand } from '../utils/bench/roombaBench.js';
import { ingestBenchCommand } from '../utils/bench/ingestBench.js';
import { soakBenchCommand } from '../utils/bench/soakBench.js';
import { storeBenchCommand } from '../utils/bench/storeBench.js';
import { webappBenchCommand } from '../utils/bench/webappBench.js';

/** `kale bench <target>`: one result line per run (JSON with --json). */
export function addBenchmarks(bench: Command): Command {
  return bench
    .addCommand(storeBenchCommand())
    .addCommand(embeddedBenchCommand())
    .addCommand(oculusBenchCommand())
    .addCommand(elasticClusterBenchCommand())
    .addCommand(ingestBenchCommand())
    .addCommand(webappBenchCommand())
    .addCommand(renderBenchCommand())
    .addCommand(analyzerBenchCommand())
    .addCommand(analyzerGroupBenchCommand())
    .addCommand(failoverBenchCommand())
    .addCommand(detectionBenchCommand())
    .addCommand(quietBenchCommand())
    .addCommand(soakBenchCommand())
    .addCommand(capacityBenchCommand())
    .addCommand(roombaBenchCommand());
}
