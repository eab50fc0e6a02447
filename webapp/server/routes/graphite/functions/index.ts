import { aliasFunctions } from './alias.js';
import { combineFunctions } from './combine.js';
import { constantFunctions } from './constant.js';
import { filterFunctions } from './filter.js';
import { groupFunctions } from './group.js';
import { kaleFunctions } from './kale.js';
import { pointwiseFunctions } from './pointwise.js';
import { tagFunctions } from './tags.js';
import { transformFunctions } from './transform.js';
import type { FunctionDef } from './types.js';
import { windowFunctions } from './window.js';

/** Every function /render evaluates and /functions lists, by name. */
export const FUNCTIONS: ReadonlyMap<string, FunctionDef> = new Map(
  [
    ...aliasFunctions,
    ...combineFunctions,
    ...groupFunctions,
    ...transformFunctions,
    ...pointwiseFunctions,
    ...filterFunctions,
    ...windowFunctions,
    ...constantFunctions,
    ...kaleFunctions,
    ...tagFunctions,
  ].map((f) => [f.name, f]),
);
