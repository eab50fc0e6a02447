import type { Command } from 'commander';

/** Commands contributed by the services and utils (horizon, analyzer, oculus, webapp, seed, ...). */
export function serviceCommands(): Command[] {
  return [];
}
