import { describe, expect, it } from 'vitest';
import { rendezvousOwner } from '../../analyzer/rendezvous.js';

const names = Array.from({ length: 3000 }, (_, i) => `app.host${i % 37}.metric${i}`);
const owners = (members: string[]) => new Map(names.map((n) => [n, rendezvousOwner(n, members)!]));

describe('rendezvous hashing', () => {
  it('splits names about evenly and agrees whatever order members are listed in', () => {
    const a = owners(['a', 'b', 'c']);
    expect(owners(['c', 'a', 'b'])).toEqual(a);
    const counts = ['a', 'b', 'c'].map((m) => [...a.values()].filter((o) => o === m).length);
    for (const c of counts) expect(c).toBeGreaterThan((names.length / 3) * 0.85);
  });

  it("moves only the leaving member's names when one leaves", () => {
    const before = owners(['a', 'b', 'c']);
    const after = owners(['a', 'c']);
    for (const n of names) {
      if (before.get(n) !== 'b') expect(after.get(n)).toBe(before.get(n));
      else expect(['a', 'c']).toContain(after.get(n));
    }
  });

  it('moves only the names the new member wins when one joins (about 1/N)', () => {
    const before = owners(['a', 'b', 'c']);
    const after = owners(['a', 'b', 'c', 'd']);
    let moved = 0;
    for (const n of names) {
      if (after.get(n) === before.get(n)) continue;
      expect(after.get(n)).toBe('d');
      moved++;
    }
    expect(moved).toBeGreaterThan((names.length / 4) * 0.85);
    expect(moved).toBeLessThan((names.length / 4) * 1.15);
  });

  it('has no owner without members', () => {
    expect(rendezvousOwner('x', [])).toBeUndefined();
  });
});
