import type { RenderContext } from '../context.js';
import type { GSeries } from '../series.js';

/** Parameter types as graphite-web's /functions names them (Grafana's function editor reads these). */
export type ParamType =
  | 'seriesList'
  | 'seriesLists'
  | 'integer'
  | 'float'
  | 'string'
  | 'boolean'
  | 'node'
  | 'nodeOrTag'
  | 'interval'
  | 'intOrInterval'
  | 'aggFunc';

export interface ParamDef {
  readonly name: string;
  readonly type: ParamType;
  readonly required?: boolean;
  /** Takes every remaining positional argument (`*nodes`, `*seriesLists`). */
  readonly multiple?: boolean;
  readonly default?: string | number | boolean;
  readonly options?: readonly string[];
}

/** A series argument, read when the function asks (for its own range, if it needs earlier points). */
export type SeriesArg = (ctx: RenderContext) => Promise<GSeries[]>;

/** Bound arguments by parameter name; validated against the ParamDefs before anything is read. */
export type Args = Readonly<Record<string, unknown>>;

export interface FunctionDef {
  readonly name: string;
  /** graphite-web's group (Alias, Combine, Transform, Calculate…), which the editor's menu uses. */
  readonly group: string;
  readonly description: string;
  readonly params: readonly ParamDef[];
  /** Checks and compiles the bound arguments when the target is compiled, so their errors come before any read. */
  prepare?(args: Args): Args;
  run(ctx: RenderContext, args: Args): Promise<GSeries[]>;
}

export const seriesListParam: ParamDef = { name: 'seriesList', type: 'seriesList', required: true };

/** The `seriesList` argument, read over the context's range. */
export const input = (args: Args, ctx: RenderContext): Promise<GSeries[]> =>
  (args.seriesList as SeriesArg)(ctx);

/** Graphite's `formatPathExpressions`: the inputs' distinct expressions, sorted, comma-joined. */
export const pathExpressions = (list: readonly GSeries[]) =>
  [...new Set(list.map((s) => s.pathExpression))].sort().join(',');
