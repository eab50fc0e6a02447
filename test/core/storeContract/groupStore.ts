import { describe, expect, it } from 'vitest';
import type { GroupStore } from '../../../core/store/store.js';
import type { RoleHarness } from './harness.js';

/** Lapses are polled for, not waited out: a loaded box may take longer than the lease to look again. */
async function untilLapsed(members: () => Promise<unknown[]>, left: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await members()).length > left && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
}

/** What the analyzer group relies on: every member sees the same live list, and leaving or lapsing ends a lease. */
export function groupStoreContract(h: RoleHarness<GroupStore>): void {
  describe('GroupStore', () => {
    it('lists live members sorted by id with their info; members() does not join; groups are separate', async () => {
      const s = await h.open();
      const lease = s.groupLease('group.a');
      expect(await lease.members()).toEqual([]);
      await lease.renew('m2', 60_000, { n: 2 });
      expect(await lease.renew('m1', 60_000, { n: 1 })).toEqual([
        { id: 'm1', info: { n: 1 } },
        { id: 'm2', info: { n: 2 } },
      ]);
      // A renewal replaces the member's info; another handle on the same key sees the same table.
      await lease.renew('m2', 60_000, { n: 3 });
      expect(await s.groupLease('group.a').members()).toEqual([
        { id: 'm1', info: { n: 1 } },
        { id: 'm2', info: { n: 3 } },
      ]);
      expect(await s.groupLease('group.b').members()).toEqual([]);
      await s.close();
    });

    it('a member that leaves is gone at once, and one that stops renewing lapses', async () => {
      const s = await h.open();
      const lease = s.groupLease('group.a');
      await lease.renew('stays', 60_000, {});
      await lease.renew('leaves', 60_000, {});
      await lease.renew('lapses', 50, {});
      await lease.leave('leaves');
      expect((await lease.members()).map((m) => m.id)).not.toContain('leaves');
      await untilLapsed(() => lease.members(), 1);
      expect((await lease.members()).map((m) => m.id)).toEqual(['stays']);
      await s.close();
    });
  });
}
