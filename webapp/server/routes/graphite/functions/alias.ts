import { parseTarget, type Expr } from '../parser.js';
import { input, seriesListParam, type FunctionDef } from './types.js';

/** The first path in a series name (`a.b.c` in `scale(a.b.c,2)`), which aliasByNode picks nodes from. */
function firstPath(name: string): string {
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
      (await input(a, ctx)).map((s) => {
        const parts = firstPath(s.name).split('.');
        const pick = (n: number | string) =>
          typeof n === 'string' ? (s.tags[n] ?? '') : (parts[n < 0 ? parts.length + n : n] ?? '');
        return { ...s, name: (a.nodes as Array<number | string>).map(pick).join('.') };
      }),
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
