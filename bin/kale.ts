#!/usr/bin/env node
import { Command } from 'commander';
import { metricsCommand } from '../core/commands/metricsCommand.js';
import { seriesCommand } from '../core/commands/seriesCommand.js';
import { startCommand } from './startCommand.js';
import { serviceCommands } from './commands.js';
import { services } from './services.js';

const program = new Command('kale')
  .description('Kale: anomaly detection and shape similarity for operations metrics')
  .showHelpAfterError();

program.addCommand(startCommand(services));
for (const cmd of serviceCommands()) program.addCommand(cmd);
program.addCommand(metricsCommand());
program.addCommand(seriesCommand());
// The benchmarks load most of Kale and its heaviest packages: only `kale bench …` (or `kale help bench`)
// pays for that; other commands and `kale --help` list it by name.
const bench = new Command('bench').description(
  'measure performance (figures and targets in docs/benchmarks.md)',
);
const invoked = process.argv[2] === 'help' ? process.argv[3] : process.argv[2];
if (invoked === 'bench') (await import('./bench.js')).addBenchmarks(bench);
program.addCommand(bench);

// Bad usage exits 2 on every subcommand (commander's default is 1); --help exits 0.
const exitOnUsage = (cmd: Command): void => {
  cmd.exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));
  cmd.commands.forEach(exitOnUsage);
};
exitOnUsage(program);

await program.parseAsync(process.argv);
