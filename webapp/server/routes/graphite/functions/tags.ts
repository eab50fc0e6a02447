import { badRequest } from '../../../httpError.js';
import { fetchNames } from '../fetch.js';
import { TagExprError, findTagged, tagQuery, type TagQuery } from '../tagQuery.js';
import type { FunctionDef } from './types.js';

export const tagFunctions: FunctionDef[] = [
  {
    name: 'seriesByTag',
    group: 'Special',
    description:
      "The tagged series (name;tag=value;…) matching every expression: 'tag=value', 'tag!=value', 'tag=~regex', 'tag!=~regex'; `name` is the part before the first ;, a missing tag counts as empty, and at least one expression must need a non-empty value.",
    params: [{ name: 'tagExpressions', type: 'string', required: true, multiple: true }],
    prepare(args) {
      const texts = args.tagExpressions as string[];
      try {
        return { ...args, query: tagQuery(texts) };
      } catch (err) {
        if (err instanceof TagExprError) throw badRequest(`seriesByTag: ${err.message}`);
        throw err;
      }
    },
    run: async (ctx, a) => {
      const found = await findTagged(await ctx.names(), a.query as TagQuery);
      // graphite-web names the list after the call itself, quoting each expression.
      const expression = `seriesByTag(${(a.tagExpressions as string[]).map((t) => `'${t}'`).join(',')})`;
      return fetchNames(ctx, found.sort(), expression);
    },
  },
];
