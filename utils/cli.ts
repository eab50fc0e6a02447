import type { Command } from 'commander';
import { importCommand } from './import/importCommand.js';
import { loadgenCommand } from './loadgen/loadgenCommand.js';
import { migrateCommand } from './migrate/migrateCommand.js';
import { seedCommand } from './seed/seedCommand.js';

/** The utility commands: seed, loadgen, import, migrate. */
export function utilsCommands(): Command[] {
  return [seedCommand(), loadgenCommand(), importCommand(), migrateCommand()];
}
