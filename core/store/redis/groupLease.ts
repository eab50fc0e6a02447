import type { Cluster, Redis } from 'ioredis';
import { byId, type GroupLease, type GroupMember } from '../groupLease.js';

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

/** A group's leases in Redis, shared by every process on that Redis (or Redis Cluster). */
export class RedisGroupLease implements GroupLease {
  constructor(
    private readonly client: Redis | Cluster,
    private readonly key: string,
  ) {}

  private async run(member: string, leaseMs: number, info: string): Promise<GroupMember[]> {
    const flat = (await this.client.eval(
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
    return out.sort(byId);
  }

  renew(member: string, leaseMs: number, info: Record<string, unknown>): Promise<GroupMember[]> {
    return this.run(member, leaseMs, JSON.stringify(info));
  }

  members(): Promise<GroupMember[]> {
    return this.run('', 0, '');
  }

  async leave(member: string): Promise<void> {
    await this.client.hdel(this.key, member);
  }
}
