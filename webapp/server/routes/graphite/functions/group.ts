import { badRequest } from '../../../httpError.js';
import type { GSeries } from '../series.js';
import { firstPath, nodeOrTag } from './alias.js';
import { foldSeries, type Fold } from './combine.js';
import { input, seriesListParam, type FunctionDef, type ParamDef } from './types.js';

/**
 * The callbacks graphite-web's groupBy functions take: an aggregation's name or the Combine function
 * that does it (`sum` and `sumSeries` are the same fold).
 */
const CALLBACKS: Readonly<Record<string, Fold>> = {
  sum: 'sum',
  total: 'sum',
  sumSeries: 'sum',
  average: 'average',
  avg: 'average',
  averageSeries: 'average',
  max: 'max',
  maxSeries: 'max',
  min: 'min',
  minSeries: 'min',
};

const callbackParam = (required: boolean): ParamDef => ({
  name: 'callback',
  type: 'aggFunc',
  required,
  options: Object.keys(CALLBACKS),
  ...(required ? {} : { default: 'average' }),
});

/**
 * graphite-web's groupBy: series with the same key are folded into one named after the key; groups
 * come in the order their first series came.
 */
function groupBy(
  list: readonly GSeries[],
  callback: string,
  key: (s: GSeries) => string,
  tagsOf: (key: string, fold: Fold) => Record<string, string>,
): GSeries[] {
  const fold = CALLBACKS[callback];
  const groups = new Map<string, GSeries[]>();
  for (const s of list) {
    const k = key(s);
    const group = groups.get(k);
    if (group) group.push(s);
    else groups.set(k, [s]);
  }
  return [...groups].map(([k, members]) => ({ ...foldSeries(members, fold, k), tags: tagsOf(k, fold) }));
}

const byNodes = (nodes: ReadonlyArray<number | string>) => (s: GSeries) =>
  nodes.map(nodeOrTag(s, firstPath(s.name))).join('.');
const plainTags = (key: string, fold: Fold) => ({ name: key, aggregatedBy: fold });

export const groupFunctions: FunctionDef[] = [
  {
    name: 'groupByNode',
    group: 'Combine',
    description:
      'Folds the series that share node `nodeNum` (0 is the first, -1 the last; a tag name picks that tag) into one named after it, by `callback` (average by default).',
    params: [seriesListParam, { name: 'nodeNum', type: 'nodeOrTag', required: true }, callbackParam(false)],
    run: async (ctx, a) =>
      groupBy(
        await input(a, ctx),
        (a.callback as string | null) ?? 'average',
        byNodes([a.nodeNum as number | string]),
        plainTags,
      ),
  },
  {
    name: 'groupByNodes',
    group: 'Combine',
    description:
      'Folds the series that share the given nodes (or tags) into one named after them joined with dots, by `callback`.',
    params: [
      seriesListParam,
      callbackParam(true),
      { name: 'nodes', type: 'nodeOrTag', required: true, multiple: true },
    ],
    run: async (ctx, a) =>
      groupBy(
        await input(a, ctx),
        a.callback as string,
        byNodes(a.nodes as Array<number | string>),
        plainTags,
      ),
  },
  {
    name: 'groupByTags',
    group: 'Combine',
    description:
      "Folds the tagged series that share the values of the given tags into one, by `callback`, named `name;tag=value;…` (the inputs' name when they share one and `name` is not a grouping tag, else the callback).",
    params: [
      seriesListParam,
      callbackParam(true),
      { name: 'tags', type: 'string', required: true, multiple: true },
    ],
    prepare(args) {
      const tags = args.tags as string[];
      const bad = tags.find((t) => t === '' || /[;=~!]/.test(t));
      if (bad !== undefined) throw badRequest(`groupByTags: "${bad.slice(0, 100)}" is not a tag name`);
      return args;
    },
    run: async (ctx, a) => {
      const list = await input(a, ctx);
      const tags = a.tags as string[];
      const byName = tags.includes('name');
      const names = new Set(list.map((s) => s.tags.name ?? s.name));
      const shared = names.size === 1 ? [...names][0] : (a.callback as string);
      const others = [...new Set(tags)].filter((t) => t !== 'name').sort();
      const own = (s: GSeries, t: string) => (Object.hasOwn(s.tags, t) ? s.tags[t] : '');
      return groupBy(
        list,
        a.callback as string,
        (s) =>
          [byName ? (s.tags.name ?? s.name) : shared, ...others.map((t) => `${t}=${own(s, t)}`)].join(';'),
        (key) => {
          const [name, ...pairs] = key.split(';');
          return Object.fromEntries([
            ['name', name],
            ...pairs.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]),
          ]);
        },
      );
    },
  },
];
