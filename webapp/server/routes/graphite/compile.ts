/**
 * A parsed target to something that reads it: every function name, argument count and argument type
 * is checked here, before anything is read, so a bad target is a 400 naming the problem and never a
 * half-done read.
 */
import { TimeParseError } from '../../../../core/time.js';
import { badRequest } from '../../httpError.js';
import { fetchPath } from './fetch.js';
import { FUNCTIONS } from './functions/index.js';
import type { Args, FunctionDef, ParamDef, SeriesArg } from './functions/types.js';
import { TargetSyntaxError, parseTarget, type Expr } from './parser.js';
import { parseInterval } from './time.js';

export function compileTarget(target: string): SeriesArg {
  let expr: Expr;
  try {
    expr = parseTarget(target);
  } catch (err) {
    if (err instanceof TargetSyntaxError) throw badRequest(`target: ${err.message}`);
    throw err;
  }
  return series(expr, 'target');
}

const describe = (e: Expr) =>
  e.kind === 'call'
    ? `${e.name}(…)`
    : e.kind === 'path'
      ? e.path
      : e.kind === 'none'
        ? 'None'
        : `${e.kind} ${JSON.stringify(e.value)}`;

function series(e: Expr, where: string): SeriesArg {
  if (e.kind === 'path') return (ctx) => fetchPath(ctx, e.path);
  if (e.kind !== 'call')
    throw badRequest(`${where}: expected a series or a function call, got ${describe(e)}`);
  const def = FUNCTIONS.get(e.name);
  if (!def)
    throw badRequest(
      `unknown function "${e.name.slice(0, 100)}": Kale's /render supports ${[...FUNCTIONS.keys()].join(', ')}`,
    );
  const bound = bind(def, e);
  const args = def.prepare ? def.prepare(bound) : bound;
  return (ctx) => def.run(ctx, args);
}

function bind(def: FunctionDef, call: Extract<Expr, { kind: 'call' }>): Args {
  const out: Record<string, unknown> = {};
  let next = 0;
  for (const p of def.params) {
    if (p.multiple) {
      const rest = call.args.slice(next);
      next = call.args.length;
      if (p.required && rest.length === 0) throw badRequest(`${def.name}: ${p.name} is required`);
      out[p.name] = isSeries(p)
        ? concat(rest.map((e, i) => series(e, `${def.name} argument ${i + 1}`)))
        : rest.map((e) => value(def, p, e));
      continue;
    }
    const positional = next < call.args.length ? call.args[next++] : undefined;
    const keyword = call.kwargs.get(p.name);
    if (positional && keyword) throw badRequest(`${def.name}: ${p.name} given twice`);
    const e = positional ?? keyword;
    if (e === undefined || e.kind === 'none') {
      if (p.required) throw badRequest(`${def.name}: ${p.name} is required (${signature(def)})`);
      out[p.name] = p.default ?? null;
      continue;
    }
    out[p.name] = isSeries(p) ? series(e, `${def.name} ${p.name}`) : value(def, p, e);
  }
  if (next < call.args.length)
    throw badRequest(
      `${def.name}: takes at most ${def.params.length} arguments (${signature(def)}), got ${call.args.length}`,
    );
  for (const k of call.kwargs.keys())
    if (!def.params.some((p) => p.name === k))
      throw badRequest(`${def.name}: no parameter named ${k.slice(0, 50)} (${signature(def)})`);
  return out;
}

export const signature = (def: FunctionDef) =>
  `${def.name}(${def.params.map((p) => `${p.multiple ? '*' : ''}${p.name}${p.required || p.multiple ? '' : '=…'}`).join(', ')})`;

const isSeries = (p: ParamDef) => p.type === 'seriesList' || p.type === 'seriesLists';

const concat =
  (parts: SeriesArg[]): SeriesArg =>
  async (ctx) =>
    (await Promise.all(parts.map((f) => f(ctx)))).flat();

/** A literal argument checked against its parameter's type. */
function value(def: FunctionDef, p: ParamDef, e: Expr): unknown {
  const wrong = (expected: string): never => {
    throw badRequest(`${def.name}: ${p.name} must be ${expected}, got ${describe(e).slice(0, 100)}`);
  };
  const v = e.kind === 'number' || e.kind === 'string' || e.kind === 'boolean' ? e.value : undefined;
  switch (p.type) {
    case 'float':
      return typeof v === 'number' ? v : wrong('a number');
    case 'integer':
    case 'node':
      return Number.isInteger(v) ? v : wrong('an integer');
    case 'boolean':
      return typeof v === 'boolean' ? v : wrong('true or false');
    case 'nodeOrTag':
      return Number.isInteger(v) || typeof v === 'string' ? v : wrong('a node number or a tag name');
    case 'string':
    case 'aggFunc':
      if (typeof v !== 'string') return wrong('a quoted string');
      if (p.options && !p.options.includes(v)) return wrong(`one of ${p.options.join(', ')}`);
      return v;
    case 'interval':
      return typeof v === 'string' && isInterval(v) ? v : wrong('an interval such as "1h" or "5min"');
    case 'intOrInterval':
      if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
      return typeof v === 'string' && isInterval(v)
        ? v
        : wrong('a positive count of points or an interval such as "5min"');
    case 'seriesList':
    case 'seriesLists':
      return wrong('a series list');
  }
}

function isInterval(v: string): boolean {
  try {
    parseInterval(v);
    return true;
  } catch (err) {
    if (err instanceof TimeParseError) return false;
    throw err;
  }
}
