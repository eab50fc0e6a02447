/**
 * Graphite's tagged names, `name;tag=value;…` (how Prometheus remote_write stores series by default,
 * docs/prometheus.md), read as graphite-web reads them: the part before the first `;` is the `name`
 * tag, each segment after it one `tag=value` (split at its first `=`).
 */

export type Tags = Readonly<Record<string, string>>;

/**
 * The tags of a tagged name, `name` included, or undefined when the name is not one: no `;`, or a
 * segment without `tag=` (graphite-web refuses to parse those; Kale keeps them as plain paths).
 */
export function taggedNameTags(name: string): Tags | undefined {
  const first = name.indexOf(';');
  if (first <= 0) return undefined;
  // No prototype: a tag called `__proto__` is one more tag.
  const tags: Record<string, string> = Object.create(null);
  for (const segment of name.slice(first + 1).split(';')) {
    const eq = segment.indexOf('=');
    if (eq <= 0) return undefined;
    tags[segment.slice(0, eq)] = segment.slice(eq + 1);
  }
  // Last, as graphite-web sets it: a label called `name` does not rename the series.
  tags.name = name.slice(0, first);
  return tags;
}

/** The `tags` object graphite-web 1.1 gives a series in /render's JSON: every tag of a tagged name, else just `name`. */
export const seriesTags = (name: string): Tags => taggedNameTags(name) ?? { name };
