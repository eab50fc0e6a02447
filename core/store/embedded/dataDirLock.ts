import fs from 'node:fs';
import path from 'node:path';
import { CommandFailure } from '../../cli.js';
import { LOCK_FILE } from './layout.js';

/** A write into a data dir another process holds: one line, exit 1, and nothing of its data touched. */
export class DataDirLockedError extends CommandFailure {
  constructor(dir: string, holder: number) {
    super(
      `data dir ${dir} is in use by kale process ${holder}: this process only reads it and refuses to write. Send to that kale's listeners, or stop it first`,
    );
  }
}

export interface DataDirLock {
  release(): void;
}

// Data dirs this process holds (real path → lock file): a second store on one is a reader, like
// another process's.
const heldHere = new Map<string, string>();

// A command that ends with process.exit() never reaches close(): its locks go all the same.
function releaseAllAtExit(): void {
  for (const file of heldHere.values()) if (readPid(file) === process.pid) fs.rmSync(file, { force: true });
}

/**
 * Takes `dir`'s lock file (our pid inside) or says who holds it. A lock left by a dead process is
 * taken over; so is one naming our own pid that this process does not hold (a pid reused after a
 * restart, as in a container).
 */
export function lockDataDir(dir: string): DataDirLock | { holder: number } {
  fs.mkdirSync(dir, { recursive: true });
  const key = fs.realpathSync(dir);
  const file = path.join(dir, LOCK_FILE);
  if (heldHere.has(key)) return { holder: process.pid };
  for (let attempt = 0; attempt < 5; attempt++) {
    if (createWithPid(file)) {
      if (heldHere.size === 0) process.once('exit', releaseAllAtExit);
      heldHere.set(key, file);
      return {
        release: () => {
          if (!heldHere.delete(key)) return;
          if (heldHere.size === 0) process.off('exit', releaseAllAtExit);
          if (readPid(file) === process.pid) fs.rmSync(file, { force: true });
        },
      };
    }
    const holder = readPid(file);
    if (holder !== undefined && holder !== process.pid && alive(holder)) return { holder };
    takeOverStale(file, holder);
  }
  throw new Error(`cannot take the lock ${file}: it keeps changing hands`);
}

/** Creates the lock file with its content in one step (a link), so no reader sees it empty. */
function createWithPid(file: string): boolean {
  const tmp = `${file}.${process.pid}`;
  fs.writeFileSync(tmp, `${process.pid}\n`);
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * Moves the stale lock aside before deleting it, and puts it back if it turns out to be a fresh one
 * another process took over meanwhile: two processes taking over at once cannot both win.
 */
function takeOverStale(file: string, stalePid: number | undefined): void {
  const aside = `${file}.${process.pid}.stale`;
  try {
    fs.renameSync(file, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (readPid(aside) !== stalePid) {
    try {
      fs.linkSync(aside, file);
    } catch {
      /* someone holds it again: the next attempt sees them */
    }
  }
  fs.rmSync(aside, { force: true });
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
