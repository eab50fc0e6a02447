/**
 * Graphite's tagged names, `name;tag=value;…` (how Prometheus remote_write stores series by default,
 * docs/prometheus.md), read as graphite-web reads them: the part before the first `;` is the `name`
 * tag, each segment after it one `tag=value` (split at its first `=`). A name with a segment lacking
 * `tag=` is no tagged name (graphite-web refuses to parse it; Kale keeps it as a plain path).
 * Searches read values out of the string in place: a tag query over a million names allocates for
 * the matches only.
 */

export type Tags = Readonly<Record<string, string>>;

/** Whether `name` is a tagged name: a name part, then segments each with a non-empty tag before its `=`. */
export function isTagged(name: string): boolean {
  let at = name.indexOf(';');
  if (at <= 0) return false;
  while (at >= 0) {
    const next = name.indexOf(';', at + 1);
    const eq = name.indexOf('=', at + 1);
    if (eq <= at + 1 || (next >= 0 && eq > next)) return false;
    at = next;
  }
  return true;
}

/** The value of `tag` in a tagged name, undefined when absent (a tag appears once: carbon's names are canonical). */
export function tagValue(name: string, tag: string): string | undefined {
  if (tag === 'name') return name.slice(0, name.indexOf(';'));
  if (/[;=]/.test(tag)) return undefined;
  // Tags and values hold no `;`, so `;tag=` can only start the tag's own segment.
  const at = name.indexOf(`;${tag}=`);
  if (at < 0) return undefined;
  const end = name.indexOf(';', at + 1);
  return name.slice(at + tag.length + 2, end < 0 ? name.length : end);
}

/** The tags of a tagged name, `name` first. */
export function tagNames(name: string): string[] {
  const out = ['name'];
  for (let at = name.indexOf(';'); at >= 0; at = name.indexOf(';', at + 1))
    out.push(name.slice(at + 1, name.indexOf('=', at + 1)));
  return out;
}

/** Every tag of a tagged name, `name` included, or undefined when it is not one. */
export function taggedNameTags(name: string): Tags | undefined {
  if (!isTagged(name)) return undefined;
  // No prototype: a tag called `__proto__` is one more tag.
  const tags: Record<string, string> = Object.create(null);
  for (const segment of name.slice(name.indexOf(';') + 1).split(';')) {
    const eq = segment.indexOf('=');
    tags[segment.slice(0, eq)] = segment.slice(eq + 1);
  }
  // Last, as graphite-web sets it: a label called `name` does not rename the series.
  tags.name = name.slice(0, name.indexOf(';'));
  return tags;
}

/** The `tags` object graphite-web 1.1 gives a series in /render's JSON: every tag of a tagged name, else just `name`. */
export const seriesTags = (name: string): Tags => taggedNameTags(name) ?? { name };
