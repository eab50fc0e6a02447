import { describe, expect, it } from 'vitest';
import { ksTest } from '../../../analyzer/detectors/ksTest.js';
import { expectEtsyVotes } from './etsyReference.js';
import { base, input, noise, run } from './series.js';

// Ten-second points: the hour before the last ten minutes holds 300, the last ten minutes 61.
const STEP = 10;
const reference = base(300, 100, 1);

describe('ks_test', () => {
  it('votes as Etsy Skyline did on every reference series', () => expectEtsyVotes(ksTest));

  it('flags the last ten minutes when they come from another distribution than the hour before', () => {
    expect(run(ksTest, input([...reference, ...base(61, 100, 1, 11)], STEP))).toBe(false);
    expect(run(ksTest, input([...reference, ...base(61, 103, 1, 11)], STEP))).toBe(true);
  });

  it('votes false when the hour before trends (not stationary), however different the probe', () => {
    const trending = Array.from(noise(300), (x, i) => 100 + 0.2 * i + x);
    expect(run(ksTest, input([...trending, ...base(61, 300, 1, 11)], STEP))).toBe(false);
  });

  it('votes false on minute data: the last ten minutes hold fewer than 20 points', () => {
    expect(run(ksTest, input([...base(50), ...base(11, 200)], 60))).toBe(false);
  });
});
