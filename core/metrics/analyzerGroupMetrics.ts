/** The analyzer group as its members see it (analyzer/group.ts), refreshed after each of this member's cycles. */
import { Gauge } from 'prom-client';
import { registry } from './registry.js';

const members = new Gauge({
  name: 'kale_analyzer_group_members',
  help: 'Live analyzer group members',
  registers: [registry],
});
const share = new Gauge({
  name: 'kale_analyzer_group_share',
  help: "Metrics in each live member's share at its last cycle",
  labelNames: ['member'],
  registers: [registry],
});
const lastCycle = new Gauge({
  name: 'kale_analyzer_group_last_cycle_timestamp_seconds',
  help: "Start of each live member's last finished cycle",
  labelNames: ['member'],
  registers: [registry],
});
const overdue = new Gauge({
  name: 'kale_analyzer_overdue_metrics',
  help: 'Metrics no live member analysed in the last two intervals',
  registers: [registry],
});

export interface GroupFigures {
  readonly members: ReadonlyArray<{
    readonly id: string;
    readonly share: number | null;
    readonly lastCycle: { readonly at: number } | null;
  }>;
  readonly overdue: number | null;
}

export function observeGroup(g: GroupFigures): void {
  members.set(g.members.length);
  // Departed members' series go rather than linger at their last value.
  share.reset();
  lastCycle.reset();
  for (const m of g.members) {
    if (m.share !== null) share.set({ member: m.id }, m.share);
    if (m.lastCycle) lastCycle.set({ member: m.id }, m.lastCycle.at);
  }
  if (g.overdue !== null) overdue.set(g.overdue);
}
