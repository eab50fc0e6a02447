/**
 * Etsy Oculus's fingerprint, kept for a compatibility mode (a term or phrase query on the field finds
 * what the original's first pass found). As the original computed it (helpers/fingerprint.rb,
 * `translate_metric_array`, on a metric's values in order):
 *   1. scale every value onto 0–25: ceil((25 / (max − min)) · (x − min)), in that order of operations;
 *      0 when that is NaN (a constant series), and 0 for x = min = max = 0;
 *   2. for each adjacent pair take d = previous − next and name it by the first range holding it, in
 *      the order sdec [4, ∞], dec [1, 4], s [−1, 1], inc [−4, −1], sinc [−∞, −4] (inclusive bounds);
 *   3. drop every `s` and join the rest with spaces.
 * So a fall reads `dec`/`sdec` and a rise `inc`/`sinc`, and a steady stretch leaves no token.
 */
export function fingerprint(values: ArrayLike<number>): string {
  let min = Infinity,
    max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (values[i] < min) min = values[i];
    if (values[i] > max) max = values[i];
  }
  const scale = (x: number) => {
    if (x === 0 && min === 0 && max === 0) return 0;
    const s = (25 / (max - min)) * (x - min);
    return Number.isNaN(s) ? 0 : Math.ceil(s);
  };
  let phrase = '';
  let prev = values.length ? scale(values[0]) : 0;
  for (let i = 1; i < values.length; i++) {
    const next = scale(values[i]);
    const token = letter(prev - next);
    if (token) phrase += phrase ? ` ${token}` : token;
    prev = next;
  }
  return phrase;
}

/**
 * The original's alphabet, first matching range wins: sdec [4, ∞], dec [1, 4], s [−1, 1], inc [−4, −1],
 * sinc [−∞, −4]; `s` comes back as '' (dropped). Differences of ceil'd values are integers.
 */
function letter(d: number): string {
  if (d >= 4) return 'sdec';
  if (d >= 1) return 'dec';
  if (d >= -1) return '';
  if (d >= -4) return 'inc';
  return 'sinc';
}
