import { Command } from 'commander';
import { analyzerBenchCommand } from '../utils/bench/analyzerBench.js';
import { detectionBenchCommand } from '../utils/bench/detectionBench.js';
import { oculusBenchCommand } from '../utils/bench/oculusBench.js';
import { ingestBenchCommand } from '../utils/bench/ingestBench.js';
import { storeBenchCommand } from '../utils/bench/storeBench.js';
import { webappBenchCommand } from '../utils/bench/webappBench.js';

/** `kale bench <target>`: one result line per run (JSON with --json). */
export function benchCommand(): Command {
  return new Command('bench')
    .description('measure performance against the targets of DESIGN §10')
    .addCommand(storeBenchCommand())
    .addCommand(oculusBenchCommand())
    .addCommand(ingestBenchCommand())
    .addCommand(webappBenchCommand())
    .addCommand(analyzerBenchCommand())
    .addCommand(detectionBenchCommand());
}
