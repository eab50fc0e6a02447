import fs from 'node:fs';
import os from 'node:os';

/**
 * Lowers the calling thread's CPU priority (nice 10), so bulk work on worker threads (the analyzer's
 * judging) takes what the listeners' and the writer's threads leave rather than competing with them
 * as equals: on a busy box, ingest keeps priority. Linux sets the priority of one thread when given
 * its thread id, which /proc/thread-self names; elsewhere (or without /proc) nothing changes.
 */
export function lowerThreadPriority(): void {
  try {
    const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').at(-1));
    if (Number.isInteger(tid) && tid > 0) os.setPriority(tid, os.constants.priority.PRIORITY_BELOW_NORMAL);
  } catch {
    // Not Linux, or not allowed: judged at normal priority.
  }
}
