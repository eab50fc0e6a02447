import { byId, type GroupLease, type GroupMember } from '../groupLease.js';

/**
 * The embedded store has one writing process (its data dir lock), so its group is that process:
 * leases live in this process's memory, by its clock, and are not written to the data dir.
 */
export class LocalGroupLease implements GroupLease {
  private readonly leases = new Map<string, { expires: number; info: Record<string, unknown> }>();

  async renew(member: string, leaseMs: number, info: Record<string, unknown>): Promise<GroupMember[]> {
    this.leases.set(member, { expires: Date.now() + leaseMs, info });
    return this.members();
  }

  async members(): Promise<GroupMember[]> {
    const now = Date.now();
    for (const [id, l] of this.leases) if (l.expires <= now) this.leases.delete(id);
    return [...this.leases].map(([id, l]) => ({ id, info: l.info })).sort(byId);
  }

  async leave(member: string): Promise<void> {
    this.leases.delete(member);
  }
}
