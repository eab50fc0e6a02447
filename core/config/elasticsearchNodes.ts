/**
 * The Elasticsearch nodes named by `elasticsearch.url` (`--elasticsearch`, ELASTICSEARCH_URL): one URL,
 * or a cluster's node URLs separated by commas. The client spreads requests over them and moves on to
 * the next when one fails (README, "Oculus on an Elasticsearch cluster"). Throws naming the bad entry.
 */
export function elasticsearchNodes(spec: string): string[] {
  const urls = spec.split(',').map((s) => s.trim());
  for (const u of urls) {
    let parsed: URL | null = null;
    try {
      parsed = new URL(u);
    } catch {
      /* reported below */
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:'))
      throw new Error(
        `expected an http(s) URL or comma-separated URLs of a cluster's nodes, got "${u}" in "${spec}"`,
      );
  }
  return urls;
}
