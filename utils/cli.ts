import type { Command } from 'commander';
import { importCommand } from './import/importCommand.js';

/** The utility commands (DESIGN §12): seed, loadgen, import, migrate. */
export function utilsCommands(): Command[] {
  return [importCommand()];
}
