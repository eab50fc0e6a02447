/**
 * Membership of a group of processes sharing one Store, by lease: a member renews its lease with a
 * small JSON document about itself, and the live members are those whose lease has not lapsed. The
 * analyzer group (analyzer/group.ts) splits the metrics among them. Each backend keeps the leases
 * where its group can see them (GroupStore in store.ts): Redis in one hash (redis/groupLease.ts), the
 * embedded store in its one process's memory (embedded/localGroupLease.ts).
 */

export interface GroupMember {
  readonly id: string;
  readonly info: Record<string, unknown>;
}

export interface GroupLease {
  /** Renews (or takes) `member`'s lease for `leaseMs` with `info`; returns every live member, sorted by id. */
  renew(member: string, leaseMs: number, info: Record<string, unknown>): Promise<GroupMember[]>;
  /** The live members, without joining. */
  members(): Promise<GroupMember[]>;
  /** Gives the lease up at once (a clean stop), so the others take the share without waiting for it to lapse. */
  leave(member: string): Promise<void>;
}

/** Sorts members by id, the order every member must see to split the same way. */
export const byId = (a: GroupMember, b: GroupMember): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
