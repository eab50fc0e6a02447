import type { DetectorOptions } from './detectors/types.js';
import { CLASSIC_DETECTORS } from './detectors/registry.js';

/**
 * A preset is a detector line-up plus the rules around it. `etsy` reproduces Etsy Skyline's
 * analyzer (its quirks included) so verdicts can be checked against the original; `default` fixes
 * the quirks (DESIGN §6.3).
 */
export interface Preset {
  readonly name: string;
  readonly detectors: ReadonlyArray<{ readonly name: string; readonly options?: DetectorOptions }>;
  /**
   * Which clock window-relative detectors use: `given` = the caller's clock (Etsy used the wall
   * clock), `newest` = the newest timestamp, so a delayed series is judged on its own last hour.
   */
  readonly clock: 'given' | 'newest';
  /**
   * What a detector that cannot judge (DetectorError) does: `abort` = Etsy's analyzer caught the
   * exception around the whole ensemble and reported "not anomalous" with no votes; `abstain` = only
   * that detector votes null.
   */
  readonly onDetectorError: 'abort' | 'abstain';
}

const classic = (overrides: Record<string, DetectorOptions>) =>
  CLASSIC_DETECTORS.map((name) => ({ name, options: overrides[name] }));

export const PRESETS: Readonly<Record<string, Preset>> = {
  etsy: {
    name: 'etsy',
    detectors: classic({
      median_absolute_deviation: { abstainWhenNormal: true }, grubbs: { twoSided: false }, least_squares: { fit: 'lstsq' },
    }),
    clock: 'given',
    onDetectorError: 'abort',
  },
  default: {
    name: 'default',
    detectors: classic({
      median_absolute_deviation: { abstainWhenNormal: false }, grubbs: { twoSided: true }, least_squares: { fit: 'exact' },
    }),
    clock: 'newest',
    onDetectorError: 'abstain',
  },
};

export class UnknownPresetError extends Error {}

export function getPreset(name: string): Preset {
  const p = PRESETS[name];
  if (!p) throw new UnknownPresetError(`unknown preset "${name}" (known: ${Object.keys(PRESETS).join(', ')})`);
  return p;
}
