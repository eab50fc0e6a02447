/**
 * Membership of a group of processes sharing one Store, by lease: a member renews its lease with a
 * small JSON document about itself, and the live members are those whose lease has not lapsed. The
 * analyzer group (analyzer/group.ts) splits the metrics among them.
 */
import { RedisStore } from './redisStore.js';
import type { StoreConnection } from './store.js';

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

/**
 * One hash, one field per member: `<expiry ms>|<info JSON>`. The hash itself expires with the longest
 * lease in it, so a group that stops leaves nothing behind. Expiry is by Redis's clock (TIME), so
 * hosts with skewed clocks still agree; lapsed fields are removed by whoever looks next. One key
 * keeps the script inside one slot on a Redis Cluster.
 */
const LEASE_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if ARGV[1] ~= '' then
  redis.call('HSET', KEYS[1], ARGV[1], (now + tonumber(ARGV[2])) .. '|' .. ARGV[3])
  if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2])) end
end
local all = redis.call('HGETALL', KEYS[1])
local live = {}
for i = 1, #all, 2 do
  local bar = string.find(all[i + 1], '|', 1, true)
  if tonumber(string.sub(all[i + 1], 1, bar - 1)) <= now then
    redis.call('HDEL', KEYS[1], all[i])
  else
    live[#live + 1] = all[i]
    live[#live + 1] = string.sub(all[i + 1], bar + 1)
  end
end
return live
`;

class RedisGroupLease implements GroupLease {
  constructor(
    private readonly store: RedisStore,
    private readonly key: string,
  ) {}

  private async run(member: string, leaseMs: number, info: string): Promise<GroupMember[]> {
    const flat = (await this.store.client.eval(
      LEASE_LUA,
      1,
      this.key,
      member,
      String(Math.ceil(leaseMs)),
      info,
    )) as string[];
    const out: GroupMember[] = [];
    for (let i = 0; i < flat.length; i += 2)
      out.push({ id: flat[i], info: JSON.parse(flat[i + 1]) as Record<string, unknown> });
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  renew(member: string, leaseMs: number, info: Record<string, unknown>): Promise<GroupMember[]> {
    return this.run(member, leaseMs, JSON.stringify(info));
  }

  members(): Promise<GroupMember[]> {
    return this.run('', 0, '');
  }

  async leave(member: string): Promise<void> {
    await this.store.client.hdel(this.key, member);
  }
}

/**
 * The embedded store has one writing process (its data dir lock), so its group is that process:
 * leases live in this process's memory, by its clock.
 */
class LocalGroupLease implements GroupLease {
  private readonly leases = new Map<string, { expires: number; info: Record<string, unknown> }>();

  async renew(member: string, leaseMs: number, info: Record<string, unknown>): Promise<GroupMember[]> {
    this.leases.set(member, { expires: Date.now() + leaseMs, info });
    return this.members();
  }

  async members(): Promise<GroupMember[]> {
    const now = Date.now();
    for (const [id, l] of this.leases) if (l.expires <= now) this.leases.delete(id);
    return [...this.leases].map(([id, l]) => ({ id, info: l.info })).sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  async leave(member: string): Promise<void> {
    this.leases.delete(member);
  }
}

const local = new WeakMap<StoreConnection, Map<string, LocalGroupLease>>();

/** The lease table of group `key` on `store`. */
export function groupLease(store: StoreConnection, key: string): GroupLease {
  if (store instanceof RedisStore) return new RedisGroupLease(store, key);
  let byKey = local.get(store);
  if (!byKey) local.set(store, (byKey = new Map()));
  let lease = byKey.get(key);
  if (!lease) byKey.set(key, (lease = new LocalGroupLease()));
  return lease;
}
