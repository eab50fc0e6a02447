import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kale } from '../support/kaleCli.js';

describe('an unknown analyzer preset', () => {
  it.each([
    [
      'start',
      [
        'start',
        '--pickle-port',
        'off',
        '--udp-port',
        'off',
        '--line-port',
        'off',
        '--webapp-port',
        'off',
        '--preset',
        'nosuch',
      ],
    ],
    ['analyzer', ['analyzer', '--preset', 'nosuch']],
    [
      'start, from the config file',
      [
        'start',
        '--pickle-port',
        'off',
        '--udp-port',
        'off',
        '--line-port',
        'off',
        '--webapp-port',
        'off',
        '--config',
        'CONFIG',
      ],
    ],
  ])(
    'kale %s: one line naming the preset and the known ones, exit 2, before any service starts',
    (_what, args) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kale-preset-'));
      const cfg = path.join(dir, 'kale.config.json');
      fs.writeFileSync(cfg, JSON.stringify({ analyzer: { preset: 'nosuch' } }));
      const r = kale([...args.map((a) => (a === 'CONFIG' ? cfg : a)), '--data-dir', dir]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(
        /^kale: --preset \/ analyzer\.preset: unknown preset "nosuch" \(known: etsy, .*default.*\)\n$/,
      );
    },
  );
});
