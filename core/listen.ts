import type { Port } from './config/schema.js';
import { UsageError } from './cli.js';

/**
 * Turns a bind failure into one clear line naming the port and the flag to change, instead of a stack trace.
 */
export function bindError(err: NodeJS.ErrnoException, port: Port, flag: string): Error {
  if (err.code === 'EADDRINUSE')
    return new UsageError(
      `port ${port} is already in use: choose another with ${flag} (0 = any free port, off = closed)`,
    );
  if (err.code === 'EACCES')
    return new UsageError(`port ${port} needs privileges: choose another with ${flag}`);
  return err;
}
