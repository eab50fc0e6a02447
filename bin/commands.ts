import type { Command } from 'commander';
import { analyzerCommands } from '../analyzer/cli.js';
import { horizonCommand, schemaDebugCommand } from '../horizon/cli.js';
import { oculusCommand, similarCommand } from '../oculus/cli.js';
import { webappCommand } from '../webapp/server/cli.js';
import { utilsCommands } from '../utils/cli.js';

/** Commands contributed by the services and utils (horizon, analyzer, oculus, webapp, seed, ...). */
export function serviceCommands(): Command[] {
  return [
    horizonCommand(),
    schemaDebugCommand(),
    oculusCommand(),
    similarCommand(),
    ...analyzerCommands(),
    webappCommand(),
    ...utilsCommands(),
  ];
}
