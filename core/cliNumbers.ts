import { UsageError } from './cli.js';

/** Numeric command-line options, parsed once: each error names the flag and quotes what it got. */

export function positive(flag: string, text: string): number {
  const n = Number(text);
  if (!(n > 0 && Number.isFinite(n)))
    throw new UsageError(`${flag}: expected a positive number, got "${text}"`);
  return n;
}

export function positiveInteger(flag: string, text: string): number {
  const n = Number(text);
  if (!(Number.isInteger(n) && n > 0))
    throw new UsageError(`${flag}: expected a positive integer, got "${text}"`);
  return n;
}

export function nonNegative(flag: string, text: string): number {
  const n = Number(text);
  if (!(n >= 0 && Number.isFinite(n)))
    throw new UsageError(`${flag}: expected a non-negative number, got "${text}"`);
  return n;
}
