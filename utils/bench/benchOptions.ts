import type { KaleConfig } from '../../core/config/schema.js';
import { UsageError } from '../../core/cli.js';
import { resolvePreset, UnknownPresetError, type Preset } from '../../analyzer/presets.js';

/** Parsers for the benchmarks' shared options: each names the flag in the error it gives. */

export function positive(flag: string, text: string): number {
  const n = Number(text);
  if (!(n > 0 && Number.isFinite(n)))
    throw new UsageError(`${flag}: expected a positive number, got "${text}"`);
  return n;
}

export function nonNegative(flag: string, text: string): number {
  const n = Number(text);
  if (!(n >= 0 && Number.isFinite(n)))
    throw new UsageError(`${flag}: expected a non-negative number, got "${text}"`);
  return n;
}

/** `--preset`: a built-in preset, with the config's custom detectors appended. */
export function presetNamed(name: string, config: KaleConfig): Preset {
  try {
    return resolvePreset(name, config);
  } catch (err) {
    if (err instanceof UnknownPresetError) throw new UsageError(`--preset: ${err.message}`);
    throw err;
  }
}
