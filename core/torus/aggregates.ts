/**
 * Aggregates: `[rollup, source]` rules such as `['app.<status>', 'app.*.status.<status>']`.
 * In the source, `*` and `<capture>` each match exactly one dot-separated segment and the whole name
 * must match; the rollup names the captures. Every matching rule fires; a rollup is routed again, and
 * a rule never fires twice in one chain, so rules that feed each other cannot recurse forever.
 */

export interface AggregateRule {
  readonly rollup: string;
  readonly source: string;
  readonly re: RegExp;
  readonly captures: readonly string[];
}

export class AggregateRuleError extends Error {}

export function compileAggregates(rules: ReadonlyArray<readonly [string, string]>): AggregateRule[] {
  return rules.map(([rollup, source]) => {
    const captures: string[] = [];
    const parts = source.split('.').map((seg) => {
      if (seg === '*') return '[^.]+';
      const cap = /^<([A-Za-z_][A-Za-z0-9_]*)>$/.exec(seg);
      if (cap) {
        captures.push(cap[1]);
        return '([^.]+)';
      }
      if (/[<>*]/.test(seg))
        throw new AggregateRuleError(`aggregate source "${source}": "*" and "<name>" must be whole segments`);
      return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    });
    for (const m of rollup.matchAll(/<([^>]*)>/g)) {
      if (!captures.includes(m[1]))
        throw new AggregateRuleError(
          `aggregate rollup "${rollup}" names <${m[1]}>, which "${source}" does not capture`,
        );
    }
    return { rollup, source, re: new RegExp(`^${parts.join('\\.')}$`), captures };
  });
}

/** The rollup names one rule produces for `name`, or undefined when it does not match. */
export function applyRule(rule: AggregateRule, name: string): string | undefined {
  const m = rule.re.exec(name);
  if (!m) return undefined;
  return rule.rollup.replace(/<([^>]*)>/g, (_, cap: string) => m[rule.captures.indexOf(cap) + 1]);
}

export interface Rollup {
  readonly name: string;
  /** The chain of names that produced it, first the original. */
  readonly via: readonly string[];
}

/** Every rollup generated from `name`, recursively, each rule firing at most once per chain. */
export function expandAggregates(rules: ReadonlyArray<AggregateRule>, name: string): Rollup[] {
  const out: Rollup[] = [];
  const walk = (current: string, via: string[], fired: ReadonlySet<AggregateRule>) => {
    for (const rule of rules) {
      if (fired.has(rule)) continue;
      const rolled = applyRule(rule, current);
      if (rolled === undefined || rolled === current) continue;
      const chain = [...via, current];
      out.push({ name: rolled, via: chain });
      walk(rolled, chain, new Set([...fired, rule]));
    }
  };
  walk(name, [], new Set());
  return out;
}
