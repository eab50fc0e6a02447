import type { Vote } from './detectors/types.js';

/**
 * Etsy's rule: anomalous when at most `detectors − consensus` detectors voted false. An abstention
 * (null) is not a "false", which is how Etsy's MAD quirk turned into a yes vote.
 */
export function isConsensus(votes: ReadonlyArray<Vote>, consensus: number): boolean {
  let falses = 0;
  for (const v of votes) if (v === false) falses++;
  return falses <= votes.length - consensus;
}

/** Share of detectors voting anomalous, in [0, 1]; one part of the anomaly score (anomalyScore.ts). */
export function anomalyScore(votes: ReadonlyArray<Vote>): number {
  if (votes.length === 0) return 0;
  let yes = 0;
  for (const v of votes) if (v === true) yes++;
  return yes / votes.length;
}
