import type { KaleConfig } from '../../core/config/schema.js';

export type AlertRule = KaleConfig['analyzer']['alerts'][number];

/**
 * Does a rule's `match` cover a metric? A RegExp is searched (unanchored); a string with `*` is a glob
 * over the whole name; any other string is a substring, as Skyline's `alert[0] in metric` was.
 */
export function ruleMatches(rule: AlertRule, metric: string): boolean {
  const m = rule.match;
  if (m instanceof RegExp) {
    m.lastIndex = 0;
    return m.test(metric);
  }
  if (m.includes('*')) return globRegExp(m).test(metric);
  return metric.includes(m);
}

const globCache = new Map<string, RegExp>();
function globRegExp(glob: string): RegExp {
  let re = globCache.get(glob);
  if (!re) {
    re = new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    globCache.set(glob, re);
  }
  return re;
}

export function matchingRules(rules: ReadonlyArray<AlertRule>, metric: string): AlertRule[] {
  return rules.filter((r) => ruleMatches(r, metric));
}

/** The de-duplication key: one alert per (rule, metric) per expiry. */
export function alertDedupKey(rule: AlertRule, metric: string): string {
  return `alert.${rule.via}.${String(rule.match)}.${metric}`;
}
