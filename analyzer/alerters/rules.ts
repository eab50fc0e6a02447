import type { KaleConfig } from '../../core/config/schema.js';
import { globMatcher, type NameMatcher } from '../../core/glob.js';
import { regExpFinds } from '../../core/regExp.js';

export type AlertRule = KaleConfig['analyzer']['alerts'][number];

/**
 * Does a rule's `match` cover a metric? A RegExp is searched (unanchored); a string with `*` is a glob
 * over the whole name; any other string is a substring, as Skyline's `alert[0] in metric` was.
 */
export function ruleMatches(rule: AlertRule, metric: string): boolean {
  const m = rule.match;
  if (m instanceof RegExp) return regExpFinds(m, metric);
  if (m.includes('*')) return cachedGlob(m)(metric);
  return metric.includes(m);
}

const globCache = new Map<string, NameMatcher>();
function cachedGlob(glob: string): NameMatcher {
  let matches = globCache.get(glob);
  if (!matches) {
    matches = globMatcher(glob);
    globCache.set(glob, matches);
  }
  return matches;
}

export function matchingRules(rules: ReadonlyArray<AlertRule>, metric: string): AlertRule[] {
  return rules.filter((r) => ruleMatches(r, metric));
}

/** The de-duplication key: one alert per (rule, metric) per expiry. */
export function alertDedupKey(rule: AlertRule, metric: string): string {
  return `alert.${rule.via}.${String(rule.match)}.${metric}`;
}
