import { Router } from 'express';
import { signature } from './compile.js';
import { FUNCTIONS } from './functions/index.js';

/** The graphite-web release whose API Kale answers: Grafana turns on /functions and tags from 1.1. */
export const GRAPHITE_VERSION = '1.1.10';

/** `/functions` in graphite-web's shape: `{name: {name, function, description, module, group, params}}`. */
function functionIndex() {
  return Object.fromEntries(
    [...FUNCTIONS.values()].map((f) => [
      f.name,
      {
        name: f.name,
        function: signature(f),
        description: f.description,
        module: 'kale.graphite',
        group: f.group,
        params: f.params.map((p) => ({
          name: p.name,
          type: p.type,
          required: p.required ?? false,
          ...(p.multiple && { multiple: true }),
          ...(p.default !== undefined && { default: p.default }),
          ...(p.options && { options: p.options }),
        })),
      },
    ]),
  );
}

/** What Grafana probes besides data: `/version` (plain text, as graphite-web answers) and `/functions`. */
export function infoRoutes(): Router {
  const r = Router();
  const index = functionIndex();
  r.get('/version', (_req, res) => void res.type('text/plain').send(GRAPHITE_VERSION));
  r.get('/functions', (_req, res) => void res.json(index));
  return r;
}
