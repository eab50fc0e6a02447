/**
 * A Prometheus series (its label set) to a Kale metric name. Two rules, chosen by
 * horizon.remoteWrite.template:
 * - unset (the default): Graphite's tagged form, `name;label=value;…`, labels sorted by name, so the
 *   same series always gets the same name whatever order the sender lists its labels in;
 * - a template such as `prom.{job}.{instance}.{__name__}`: a dotted Graphite path, each `{label}`
 *   replaced by that label's value with its dots turned to `_` (a dot would add a path level), a label
 *   the series lacks by `_`. Labels the template does not name are dropped: the template must name
 *   enough of them to tell series apart.
 * Characters Graphite gives a meaning (`;`, `=`, `~` first, `!`, `^`, spaces and controls) become `_`.
 */
import type { PromLabel } from './protoSchema.js';

/** Builds a name, or null when the series has no `__name__`. */
type NameRule = (labels: readonly PromLabel[]) => string | null;

/** A series' name, with its UTF-8 bytes for Ingest's interning fast path. */
export interface SeriesName {
  readonly text: string;
  readonly utf8: Buffer;
}
export type SeriesNamer = (labels: readonly PromLabel[]) => SeriesName | null;

/** Graphite tag names: no `;!^=` (carbon refuses them); Kale adds spaces, controls and `~`. */
const UNSAFE_IN_NAME = /[^A-Za-z0-9_:.-]/g;
/** Tag values: no `;` and no leading `~` (carbon's rules); spaces and controls would break the plaintext protocol. */
const UNSAFE_IN_VALUE = /[;\s\x00-\x1f\x7f]/g;
/** `{label}` in a template (the config schema checks there is at least one). */
export const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

const cleanName = (s: string) => s.replace(UNSAFE_IN_NAME, '_');
const cleanValue = (s: string) => s.replace(UNSAFE_IN_VALUE, '_').replace(/^~/, '_');

export function taggedName(labels: readonly PromLabel[]): string | null {
  let name: string | undefined;
  const tags: string[] = [];
  for (const { name: k, value: v } of labels) {
    if (k === '__name__') name = v;
    // An empty value is how Prometheus says a label is absent.
    else if (v !== '') tags.push(`${cleanName(k)}=${cleanValue(v)}`);
  }
  if (!name) return null;
  tags.sort();
  return tags.length ? `${cleanName(name)};${tags.join(';')}` : cleanName(name);
}

export function templateNamer(template: string): NameRule {
  const parts = template.split(PLACEHOLDER);
  const segment = (v: string | undefined) => (v ? cleanName(v).replace(/\./g, '_') : '_');
  return (labels) => {
    const byName = new Map<string, string>();
    for (const l of labels) byName.set(l.name, l.value);
    if (!byName.get('__name__')) return null;
    let out = '';
    // split() with a capturing group alternates literal text (even) and label names (odd).
    for (let i = 0; i < parts.length; i++) out += i % 2 === 0 ? parts[i] : segment(byName.get(parts[i]));
    return out;
  };
}

/** Names remembered before the cache starts over (a bound on memory when series churn). */
const MAX_CACHED = 200_000;

/**
 * Remembers each label set's name and its bytes: Prometheus sends every series again each scrape, and a
 * lookup by the labels' text costs less than cleaning, sorting and joining them again. The key prefixes
 * each part with its length, so no label value can make two label sets share a key.
 */
function remembered(rule: NameRule): SeriesNamer {
  const names = new Map<string, SeriesName | null>();
  return (labels) => {
    let key = '';
    for (const l of labels) key += `${l.name.length}:${l.name}${l.value.length}:${l.value}`;
    let name = names.get(key);
    if (name === undefined) {
      if (names.size >= MAX_CACHED) names.clear();
      const text = rule(labels);
      name = text === null ? null : { text, utf8: Buffer.from(text) };
      names.set(key, name);
    }
    return name;
  };
}

export function seriesNamer(template: string | undefined): SeriesNamer {
  return remembered(template === undefined ? taggedName : templateNamer(template));
}
