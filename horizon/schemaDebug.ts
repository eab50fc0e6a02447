/**
 * What `kale schema-debug NAME…` reports for a name: skipped or not, the schemas it matches with the
 * keys it would write now, and the aggregates it generates, each rollup explained the same way.
 */
import { expandAggregates } from '../core/torus/aggregates.js';
import { bucketId } from '../core/torus/intervals.js';
import { bucketKey, schemaMatches } from '../core/torus/schemas.js';
import type { Router } from '../core/torus/router.js';

export interface SchemaMatch {
  schema: string;
  type: string;
  keys: string[];
}

export interface NameReport {
  name: string;
  skipped: boolean;
  schemas: SchemaMatch[];
  rollups: Array<{ name: string; via: string[]; schemas: SchemaMatch[] }>;
}

function matches(router: Router, name: string, now: number): SchemaMatch[] {
  return router.schemas
    .filter((s) => schemaMatches(s, name))
    .map((s) => ({
      schema: s.name,
      type: s.type,
      keys: [...s.intervals.values()].map((iv) => {
        const key = bucketKey(s, name, iv.name, bucketId(iv.step, now));
        return iv.resolution === undefined ? key : `${key}:${Math.floor(now / iv.resolution)}`;
      }),
    }));
}

export function explainName(router: Router, name: string, now = Date.now() / 1000): NameReport {
  const skipped = router.isSkipped(name);
  return {
    name,
    skipped,
    schemas: skipped ? [] : matches(router, name, now),
    rollups: skipped
      ? []
      : expandAggregates(router.aggregates, name).map((r) => ({
          name: r.name,
          via: [...r.via],
          schemas: matches(router, r.name, now),
        })),
  };
}

export function formatReport(r: NameReport): string {
  const lines = [r.name];
  if (r.skipped) return `${r.name}\n  skipped (skip list): not stored\n`;
  const schemaLines = (ms: SchemaMatch[], indent: string) => {
    if (ms.length === 0) lines.push(`${indent}no torus schema`);
    for (const m of ms) {
      lines.push(`${indent}schema ${m.schema} (${m.type})`);
      for (const k of m.keys) lines.push(`${indent}  ${k}`);
    }
  };
  lines.push(`  raw window: metrics.${r.name}`);
  schemaLines(r.schemas, '  ');
  for (const roll of r.rollups) {
    lines.push(`  aggregate → ${roll.name} (via ${roll.via.join(' → ')})`);
    schemaLines(roll.schemas, '    ');
  }
  return `${lines.join('\n')}\n`;
}
