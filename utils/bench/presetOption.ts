import type { KaleConfig } from '../../core/config/schema.js';
import { UsageError } from '../../core/cli.js';
import { resolvePreset, UnknownPresetError, type Preset } from '../../analyzer/presets.js';

/** `--preset` of the detection benches: a built-in preset, with the config's custom detectors appended. */
export function presetNamed(name: string, config: KaleConfig): Preset {
  try {
    return resolvePreset(name, config);
  } catch (err) {
    if (err instanceof UnknownPresetError) throw new UsageError(`--preset: ${err.message}`);
    throw err;
  }
}
