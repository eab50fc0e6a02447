import type { GSeries } from '../series.js';
import { input, seriesListParam, type FunctionDef } from './types.js';

/** What highest/lowest rank series by, over their non-null values (null when a series has none). */
const MEASURES: Readonly<Record<string, (v: Float64Array) => number | null>> = {
  average: (v) => {
    const xs = v.filter((x) => !Number.isNaN(x));
    return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
  },
  current: (v) => v.findLast((x) => !Number.isNaN(x)) ?? null,
  max: (v) => (v.some((x) => !Number.isNaN(x)) ? Math.max(...v.filter((x) => !Number.isNaN(x))) : null),
  min: (v) => (v.some((x) => !Number.isNaN(x)) ? Math.min(...v.filter((x) => !Number.isNaN(x))) : null),
  sum: (v) => (v.some((x) => !Number.isNaN(x)) ? v.reduce((a, x) => (Number.isNaN(x) ? a : a + x), 0) : null),
};

/** The `n` series ranked first by `measure`, highest or lowest first; series with no value rank last. */
function ranked(list: readonly GSeries[], n: number, measure: string, highest: boolean): GSeries[] {
  const of = MEASURES[measure];
  return list
    .map((s) => ({ s, m: of(s.values) }))
    .sort((a, b) =>
      a.m === null || b.m === null
        ? (a.m === null ? 1 : 0) - (b.m === null ? 1 : 0)
        : highest
          ? b.m - a.m
          : a.m - b.m,
    )
    .slice(0, Math.max(0, n))
    .map(({ s }) => s);
}

const nParam = { name: 'n', type: 'integer', default: 1 } as const;

function rank(name: string, measure: string | null, highest: boolean): FunctionDef {
  const by = measure ?? '`func`';
  return {
    name,
    group: 'Filter Series',
    description: `The \`n\` series (1 unless given) with the ${highest ? 'highest' : 'lowest'} ${by} value, ${highest ? 'highest' : 'lowest'} first.`,
    params: measure
      ? [seriesListParam, nParam]
      : [
          seriesListParam,
          nParam,
          { name: 'func', type: 'aggFunc', default: 'average', options: Object.keys(MEASURES) },
        ],
    run: async (ctx, a) =>
      ranked(await input(a, ctx), a.n as number, measure ?? (a.func as string | null) ?? 'average', highest),
  };
}

/** Natural order: digit runs compare as numbers, so host2 sorts before host10. */
const natural = new Intl.Collator('en', { numeric: true });

export const filterFunctions: FunctionDef[] = [
  rank('highest', null, true),
  rank('lowest', null, false),
  rank('highestCurrent', 'current', true),
  rank('highestMax', 'max', true),
  rank('highestAverage', 'average', true),
  rank('lowestCurrent', 'current', false),
  rank('lowestAverage', 'average', false),
  {
    name: 'limit',
    group: 'Filter Series',
    description: 'The first `n` series of the list.',
    params: [seriesListParam, { name: 'n', type: 'integer', required: true }],
    run: async (ctx, a) => (await input(a, ctx)).slice(0, Math.max(0, a.n as number)),
  },
  {
    name: 'sortByName',
    group: 'Sorting',
    description:
      'The series sorted by name; `natural` compares numbers in names as numbers; `reverse` turns the order round.',
    params: [
      seriesListParam,
      { name: 'natural', type: 'boolean', default: false },
      { name: 'reverse', type: 'boolean', default: false },
    ],
    run: async (ctx, a) => {
      const sorted = [...(await input(a, ctx))].sort((x, y) =>
        a.natural === true ? natural.compare(x.name, y.name) : x.name < y.name ? -1 : x.name > y.name ? 1 : 0,
      );
      return a.reverse === true ? sorted.reverse() : sorted;
    },
  },
];
