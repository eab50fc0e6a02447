/**
 * Rendezvous (highest-random-weight) hashing: each name goes to the member whose hash of
 * (name, member) is highest. Every process that sees the same member list agrees without talking,
 * and when a member joins or leaves only the names it wins or held move (1/N of them), unlike
 * `hash % N`, which reshuffles almost everything.
 */

/** FNV-1a over name, a separator and member, then murmur3's finaliser so nearby inputs spread. */
export function rendezvousWeight(name: string, member: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ 0, 0x01000193);
  for (let i = 0; i < member.length; i++) h = Math.imul(h ^ member.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The member that owns `name`; ties (rare) go to the smaller id so every process agrees. Undefined for no members. */
export function rendezvousOwner(name: string, members: ReadonlyArray<string>): string | undefined {
  let best: string | undefined;
  let bestWeight = -1;
  for (const m of members) {
    const w = rendezvousWeight(name, m);
    if (w > bestWeight || (w === bestWeight && best !== undefined && m < best)) {
      best = m;
      bestWeight = w;
    }
  }
  return best;
}
