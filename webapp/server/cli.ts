import { Command } from 'commander';
import { action, withGlobalOptions, withPortOptions } from '../../core/cli.js';
import { runServiceCommand } from '../../core/serviceCommand.js';

/** `kale webapp`: the API and UI alone, reading the same Store as the other services. */
export function webappCommand(): Command {
  const cmd = withPortOptions(withGlobalOptions(new Command('webapp')), ['webapp']).description(
    'serve the web UI and JSON API (default http://127.0.0.1:1500; a token or basic auth is required off loopback)',
  );
  // Express and the shape index load only when the command runs, not for `kale --help`.
  return cmd.action(
    action(async (ctx) => runServiceCommand(cmd, ctx, (await import('./service.js')).startWebapp)),
  );
}
