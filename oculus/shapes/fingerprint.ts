/**
 * Oculus's coarse fingerprint, kept for a compatibility mode: the series reduced to a phrase of
 * up/down/flat tokens between successive segments, which a term or phrase query can match. Etsy's
 * Oculus matched such phrases in Elasticsearch as its first pass before rescoring; we keep the field so
 * a client relying on it still finds it, but ranking uses the PAA vector and exact distances.
 * Tokens: `u` rise, `d` fall, `s` steady (change below a quarter of a standard deviation).
 */
export function fingerprint(zPaa: ArrayLike<number>, steady = 0.25): string {
  let phrase = '';
  for (let i = 1; i < zPaa.length; i++) {
    const delta = zPaa[i] - zPaa[i - 1];
    phrase += (i > 1 ? ' ' : '') + (delta > steady ? 'u' : delta < -steady ? 'd' : 's');
  }
  return phrase;
}
