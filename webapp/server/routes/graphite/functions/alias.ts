import { parseTarget, type Expr } from '../parser.js';
import type { GSeries } from '../series.js';
import { input, seriesListParam, type FunctionDef } from './types.js';

/** The first path in a series name (`a.b.c` in `scale(a.b.c,2)`), which aliasByNode picks nodes from. */
export function firstPath(name: string): string {
  const walk = (e: Expr): string | undefined =>
    e.kind === 'path'
      ? e.path
      : e.kind === 'call'
        ? e.args.map(walk).find((p) => p !== undefined)
        : undefined;
  try {
    return walk(parseTarget(name)) ?? name;
  } catch {
    return name;
  }
}

/** A tag by name, or node n of `path` with its tags cut off (as graphite-web's getNodeOrTag); '' when absent. */
export const nodeOrTag = (s: GSeries, path: string) => {
  const nodes = path.split(';')[0].split('.');
  return (n: number | string) => {
    // Own tags only: `constructor` is a tag name a user may type, not Object's.
    if (typeof n === 'string') return Object.hasOwn(s.tags, n) ? s.tags[n] : '';
    return nodes[n < 0 ? nodes.length + n : n] ?? '';
  };
};

export const aliasFunctions: FunctionDef[] = [
  {
    name: 'alias',
    group: 'Alias',
    description: 'Names every series of the list `newName` in the legend.',
    params: [seriesListParam, { name: 'newName', type: 'string', required: true }],
    run: async (ctx, a) => (await input(a, ctx)).map((s) => ({ ...s, name: a.newName as string })),
  },
  {
    name: 'aliasByNode',
    group: 'Alias',
    description:
      'Names each series by some nodes of its path (0 is the first, -1 the last), joined with dots; a tag name picks that tag.',
    params: [seriesListParam, { name: 'nodes', type: 'nodeOrTag', required: true, multiple: true }],
    run: async (ctx, a) =>
      (await input(a, ctx)).map((s) => ({
        ...s,
        name: (a.nodes as Array<number | string>).map(nodeOrTag(s, firstPath(s.name))).join('.'),
      })),
  },
  {
    name: 'aliasByTags',
    group: 'Alias',
    description:
      'Names each series by some of its tags (or nodes of its name tag, 0 the first, -1 the last), joined with dots.',
    params: [seriesListParam, { name: 'tags', type: 'nodeOrTag', required: true, multiple: true }],
    run: async (ctx, a) =>
      (await input(a, ctx)).map((s) => ({
        ...s,
        name: (a.tags as Array<number | string>).map(nodeOrTag(s, s.tags.name ?? s.name)).join('.'),
      })),
  },
  {
    name: 'aliasByMetric',
    group: 'Alias',
    description: 'Names each series by the last node of its path.',
    params: [seriesListParam],
    run: async (ctx, a) =>
      (await input(a, ctx)).map((s) => ({ ...s, name: firstPath(s.name).split('.').pop()! })),
  },
];
