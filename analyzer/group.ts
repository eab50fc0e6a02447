/**
 * The analyzer group: every `kale analyzer` started without `--shard` against the same Store joins
 * it. Members hold leases (core/store/groupLease.ts) of `LEASE_INTERVALS` intervals, renewed three
 * times a lease; each cycle a member takes the live member list and judges the metrics rendezvous
 * hashing gives it. A member whose lease lapses drops out of everyone's next list, so its share
 * moves within one more cycle; a member that joins is in everyone's next list.
 *
 * Members also publish their last two cycles (when, and the member list each used), which is enough
 * to say which metrics no live member has judged for more than `LEASE_INTERVALS` intervals.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { ANALYZER_MEMBERS } from '../core/store/keys.js';
import type { GroupLease, GroupMember } from '../core/store/groupLease.js';
import type { GroupStore } from '../core/store/store.js';
import { rendezvousOwner } from './rendezvous.js';

export const LEASE_INTERVALS = 2;
/** Overdue names listed in the status document (the count is always whole). */
const OVERDUE_SAMPLE = 20;
/** Longest a clean stop waits to give the lease up (see `leave`). */
const LEAVE_WAIT_MS = 1000;

/** One finished cycle as a member publishes it. */
export interface MemberCycle {
  /** Start, epoch seconds. */
  readonly at: number;
  /** The member list the cycle split the metrics by. */
  readonly view: ReadonlyArray<string>;
  readonly share: number;
  readonly analyzed: number;
  readonly runTime: number;
}

interface MemberInfo {
  readonly since: number;
  /** Newest first, at most two. */
  readonly cycles: ReadonlyArray<MemberCycle>;
}

export interface GroupStatus {
  readonly member: string;
  readonly members: ReadonlyArray<{
    readonly id: string;
    readonly since: number;
    readonly share: number | null;
    readonly lastCycle: MemberCycle | null;
  }>;
  /** Metrics no live member judged in the last LEASE_INTERVALS intervals; null while this member is younger than that. */
  readonly overdue: number | null;
  readonly overdueSample: ReadonlyArray<string>;
}

/**
 * True when every live member's last `cycles` cycles split the metrics by exactly the live list: the
 * group has settled after a join or a leave (tests and `kale bench analyzer-group` wait for it).
 */
export function groupSettled(members: ReadonlyArray<GroupMember>, cycles = 1): boolean {
  const ids = members.map((m) => m.id).join('\n');
  return members.every((m) => {
    const recent = ((m.info as unknown as MemberInfo).cycles ?? []).slice(0, cycles);
    return recent.length === cycles && recent.every((c) => c.view.join('\n') === ids);
  });
}

/**
 * host-pid-random: says where to look, and stays unique where host and pid are not (containers
 * sharing the host's name, each with pid 1).
 */
export function defaultMemberId(): string {
  return `${os.hostname().replace(/[^A-Za-z0-9_.-]/g, '_')}-${process.pid}-${randomBytes(2).toString('hex')}`;
}

export class AnalyzerGroup {
  private readonly lease: GroupLease;
  private readonly since = Date.now() / 1000;
  private cycles: MemberCycle[] = [];
  private view: string[] = [];
  /** Every metric listed at the start of the cycle, for the overdue count. */
  private listed: ReadonlyArray<string> = [];
  private timer: NodeJS.Timeout | undefined;
  private left = false;

  /** `onChange` hears each new member list (joins, leaves, lapses) as this member first splits by it. */
  constructor(
    store: GroupStore,
    private intervalSeconds: number,
    private readonly onChange?: (members: ReadonlyArray<string>, share: number) => void,
    readonly id = defaultMemberId(),
  ) {
    this.lease = store.groupLease(ANALYZER_MEMBERS);
  }

  private get leaseMs(): number {
    return LEASE_INTERVALS * this.intervalSeconds * 1000;
  }

  private info(): MemberInfo {
    return { since: this.since, cycles: this.cycles };
  }

  /** Joins (or renews) and keeps the lease alive in the background, even through a long cycle. */
  async start(): Promise<void> {
    // A Store that does not answer yet fails the first cycle instead, which says so and retries.
    await this.renew().catch(() => undefined);
    this.schedule();
  }

  private schedule(): void {
    clearInterval(this.timer);
    this.timer = setInterval(() => void this.renew().catch(() => undefined), this.leaseMs / 3);
    this.timer.unref();
  }

  setInterval(seconds: number): void {
    this.intervalSeconds = seconds;
    if (this.timer) this.schedule();
  }

  private async renew(): Promise<GroupMember[]> {
    if (this.left) return [];
    return this.lease.renew(this.id, this.leaseMs, this.info() as unknown as Record<string, unknown>);
  }

  /** This cycle's share of `names`, by the live member list (this member always in it). */
  async share(names: ReadonlyArray<string>): Promise<string[]> {
    const members = (await this.renew()).map((m) => m.id);
    const view = members.includes(this.id) ? members : [...members, this.id].sort();
    const changed = view.join('\n') !== this.view.join('\n');
    this.view = view;
    this.listed = names;
    const mine = names.filter((n) => rendezvousOwner(n, view) === this.id);
    if (changed) this.onChange?.(view, mine.length);
    return mine;
  }

  /** Publishes the finished cycle and says how the group stands, judged over every listed metric. */
  async finishCycle(cycle: Omit<MemberCycle, 'view'>, now = Date.now() / 1000): Promise<GroupStatus> {
    this.cycles = [{ ...cycle, view: this.view }, ...this.cycles].slice(0, 2);
    const members = await this.renew();
    const horizon = now - LEASE_INTERVALS * this.intervalSeconds;
    let overdue: number | null = null;
    const sample: string[] = [];
    if (this.since <= horizon) {
      // A metric is fresh when some live member judged it in a recent cycle under that cycle's own list.
      // Members normally share one list, so owners are computed once per distinct list, not per member.
      const byView = new Map<string, { view: ReadonlyArray<string>; judges: Set<string> }>();
      for (const m of members) {
        for (const c of (m.info as unknown as MemberInfo).cycles ?? []) {
          if (c.at < horizon) continue;
          const key = c.view.join('\n');
          if (!byView.has(key)) byView.set(key, { view: c.view, judges: new Set() });
          byView.get(key)!.judges.add(m.id);
        }
      }
      const views = [...byView.values()];
      overdue = 0;
      for (const name of this.listed) {
        if (views.some((v) => v.judges.has(rendezvousOwner(name, v.view)!))) continue;
        overdue++;
        if (sample.length < OVERDUE_SAMPLE) sample.push(name);
      }
    }
    return {
      member: this.id,
      members: members.map((m) => {
        const info = m.info as unknown as MemberInfo;
        const last = info.cycles?.[0] ?? null;
        return { id: m.id, since: info.since, share: last?.share ?? null, lastCycle: last };
      }),
      overdue,
      overdueSample: sample,
    };
  }

  /**
   * Gives the share up at once: the others take it at their next cycle. Waits at most LEAVE_WAIT_MS:
   * with the Store away the command would wait for it to come back and hold up shutdown, and the
   * lease lapses on its own anyway.
   */
  async leave(): Promise<void> {
    this.left = true;
    clearInterval(this.timer);
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, LEAVE_WAIT_MS);
    });
    await Promise.race([this.lease.leave(this.id).catch(() => undefined), waited]);
    clearTimeout(timer);
  }
}
