import { describe, expect, it } from 'vitest';
import { analyzeChunk, packChunk } from '../../analyzer/chunk.js';
import { resolvePreset } from '../../analyzer/presets.js';
import { rulesFromConfig } from '../../analyzer/rules.js';
import { AnalyzerRunner } from '../../analyzer/runner.js';
import { validateConfig } from '../../core/config/load.js';
import { createLogger } from '../../core/log.js';
import { EmbeddedStore } from '../../core/store/embeddedStore.js';
import { encodePoints } from '../../core/store/windowCodec.js';

const NOW = 1_700_000_000;
const log = createLogger('test');

function window(seed: number): Array<[number, number]> {
  return Array.from({ length: 200 }, (_, i) => [NOW - 60 * (199 - i), 100 + ((seed * 7 + i * 13) % 11)]);
}

describe('a cycle survives what its detectors do', () => {
  it('counts a metric whose detector throws as Failed, names it, and judges the others', async () => {
    const config = validateConfig({
      analyzer: {
        customDetectors: {
          picky: ({ values }: { values: Float64Array }) => {
            if (values[values.length - 1] > 105) throw new TypeError('cannot handle this');
            return false;
          },
        },
      },
    });
    const names = ['m.a', 'm.b', 'm.c'];
    const raws = [
      encodePoints(window(1).map(([t]) => [t, 100] as [number, number])),
      encodePoints([...window(2).slice(0, -1), [NOW, 200]]),
      encodePoints(window(3).map(([t]) => [t, 101] as [number, number])),
    ];
    const result = analyzeChunk(
      await packChunk(0, names, raws, NOW + 30),
      resolvePreset('consensus', config),
      rulesFromConfig(config),
    );
    expect(result.exceptions.Failed).toBe(1);
    expect(result.failure).toBe('m.b: cannot handle this');
  });

  it('replaces a worker that does not answer in time and counts its metrics as Timeout', async () => {
    const store = EmbeddedStore.open();
    const names = Array.from({ length: 1200 }, (_, i) => `svc.m${i}`);
    await store.append(names.map((name, i) => ({ name, points: window(i) })));
    // No worker can judge 500 metrics in a millisecond: every chunk times out, and the cycle still ends.
    const hasty = new AnalyzerRunner({
      store,
      config: validateConfig({ analyzer: { workers: 1, chunkTimeout: 0.001 } }),
      log,
      writeStats: false,
    });
    try {
      const r = await hasty.runCycle(NOW + 30);
      expect(r.exceptions.Timeout).toBe(1200);
      expect(r.analyzed).toBe(0);
    } finally {
      await hasty.close();
    }
    const patient = new AnalyzerRunner({
      store,
      config: validateConfig({ analyzer: { workers: 1 } }),
      log,
      writeStats: false,
    });
    try {
      const r = await patient.runCycle(NOW + 30);
      expect(r.exceptions.Timeout).toBeUndefined();
      expect(r.analyzed).toBe(1200);
    } finally {
      await patient.close();
      await store.close();
    }
  });
});
