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
export type SeriesNamer = (labels: readonly PromLabel[]) => string | null;

/** Graphite tag names: no `;!^=` (carbon refuses them); Kale adds spaces, controls and `~`. */
const UNSAFE_IN_NAME = /[^A-Za-z0-9_:.-]/g;
/** Tag values: no `;` and no leading `~` (carbon's rules); spaces and controls would break the plaintext protocol. */
const UNSAFE_IN_VALUE = /[;\s\x00-\x1f\x7f]/g;
/** `{label}` in a template (the config schema checks there is at least one). */
export const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Most names and values are already clean: a test costs less than a replace that changes nothing. */
const HAS_UNSAFE_IN_NAME = /[^A-Za-z0-9_:.-]/;
const HAS_UNSAFE_IN_VALUE = /[;\s\x00-\x1f\x7f]|^~/;
const cleanName = (s: string) => (HAS_UNSAFE_IN_NAME.test(s) ? s.replace(UNSAFE_IN_NAME, '_') : s);
const cleanValue = (s: string) =>
  HAS_UNSAFE_IN_VALUE.test(s) ? s.replace(UNSAFE_IN_VALUE, '_').replace(/^~/, '_') : s;
const byName = (a: PromLabel, b: PromLabel) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export function taggedName(labels: readonly PromLabel[]): string | null {
  let name: string | undefined;
  // An empty value is how Prometheus says a label is absent.
  const tags = labels.filter((l) => {
    if (l.name === '__name__') name = l.value;
    return l.name !== '__name__' && l.value !== '';
  });
  if (!name) return null;
  let out = cleanName(name);
  for (const l of tags.length > 1 ? tags.sort(byName) : tags)
    out += `;${cleanName(l.name)}=${cleanValue(l.value)}`;
  return out;
}

export function templateNamer(template: string): SeriesNamer {
  const parts = template.split(PLACEHOLDER);
  const segment = (v: string | undefined) => (v ? cleanName(v).replace(/\./g, '_') : '_');
  return (labels) => {
    const values = new Map<string, string>();
    for (const l of labels) values.set(l.name, l.value);
    if (!values.get('__name__')) return null;
    let out = '';
    // split() with a capturing group alternates literal text (even) and label names (odd).
    for (let i = 0; i < parts.length; i++) out += i % 2 === 0 ? parts[i] : segment(values.get(parts[i]));
    return out;
  };
}

export function seriesNamer(template: string | undefined): SeriesNamer {
  return template === undefined ? taggedName : templateNamer(template);
}
