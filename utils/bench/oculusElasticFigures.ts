import fs from 'node:fs';
import type { Client } from '@elastic/elasticsearch';

/**
 * What the Elasticsearch server itself spends, for `kale bench oculus`: its CPU (from node stats,
 * so it counts the JVM's every thread), its resident set (read from /proc, since node stats give only
 * the JVM heap; NaN for a server on another host) and an index's size on disk. Summed over nodes.
 */
export function elasticFigures(client: Client) {
  return {
    async cpuSeconds(): Promise<number> {
      const stats = await client.nodes.stats({ metric: 'process' });
      return (
        Object.values(stats.nodes).reduce((s, n) => s + (n.process?.cpu?.total_in_millis ?? NaN), 0) / 1000
      );
    },
    async rssBytes(): Promise<number> {
      const info = await client.nodes.info({ metric: 'process' });
      return Object.values(info.nodes).reduce((s, n) => s + residentBytes(n.process?.id), 0);
    },
    async storeBytes(index: string): Promise<number> {
      const stats = await client.indices.stats({ index, metric: 'store' });
      return stats._all.primaries?.store?.size_in_bytes ?? NaN;
    },
  };
}

function residentBytes(pid: number | undefined): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return kb ? Number(kb[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}
