/**
 * SAX (Lin, Keogh et al. 2003): PAA segments of a z-normalised series mapped to letters by the
 * N(0,1) breakpoints that cut it into equiprobable regions.
 */
const BREAKPOINTS: Readonly<Record<number, readonly number[]>> = {
  4: [-0.6745, 0, 0.6745],
  8: [-1.1503, -0.6745, -0.3186, 0, 0.3186, 0.6745, 1.1503],
};

export function sax(paaValues: ArrayLike<number>, alphabet: 4 | 8 = 8): string {
  const cuts = BREAKPOINTS[alphabet];
  let word = '';
  for (let i = 0; i < paaValues.length; i++) {
    let letter = 0;
    while (letter < cuts.length && paaValues[i] >= cuts[letter]) letter++;
    word += String.fromCharCode(97 + letter);
  }
  return word;
}
