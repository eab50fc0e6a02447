import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { kale } from '../support/kaleCli.js';

const dir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'kale-cfg-'));

describe('configuration errors', () => {
  it('exits 2 with one line naming a bad key in a JSON config', () => {
    const d = dir();
    fs.writeFileSync(path.join(d, 'bad.json'), JSON.stringify({ horizon: { udpPort: 'twenty' } }));
    const r = kale(['metrics', '--config', path.join(d, 'bad.json'), '--data-dir', d]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('horizon.udpPort');
  });

  it('names an unknown key', () => {
    const d = dir();
    fs.writeFileSync(path.join(d, 'kale.config.json'), JSON.stringify({ analyzer: { intervall: 5 } }));
    const r = kale(['metrics'], { cwd: d });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('analyzer.intervall');
  });

  it('reads a TypeScript config, merges repeated --config files in order, and lets the environment override', () => {
    const d = dir();
    fs.writeFileSync(
      path.join(d, 'a.ts'),
      "const c: { dataDir: string; logLevel: string } = { dataDir: 'from-a', logLevel: 'warn' };\nexport default c;\n",
    );
    fs.writeFileSync(path.join(d, 'b.json'), JSON.stringify({ fullDuration: -1 }));
    const bad = kale(['metrics', '--config', path.join(d, 'a.ts'), '--config', path.join(d, 'b.json')], {
      cwd: d,
    });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('fullDuration');
    const envBad = kale(['metrics', '--config', path.join(d, 'a.ts')], {
      cwd: d,
      env: { KALE_WEBAPP_PORT: '99999' },
    });
    expect(envBad.status).toBe(2);
    expect(envBad.stderr).toContain('webapp.port');
    const ok = kale(['metrics', '--config', path.join(d, 'a.ts')], { cwd: d });
    expect(ok.status).toBe(0);
  });

  it('rejects a bad port flag as usage (exit 2)', () => {
    const r = kale(['start', '--pickle-port', 'abc', '--data-dir', dir()]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--pickle-port');
  });

  it('prints help for every subcommand, nested ones included', () => {
    const commandsOf = (args: string[]) => {
      const r = kale([...args, '--help']);
      expect(r.status, args.join(' ')).toBe(0);
      expect(r.stdout, args.join(' ')).toContain(`Usage: kale ${args.join(' ')}`.trim());
      const section = r.stdout.split('Commands:')[1] ?? '';
      return [...section.matchAll(/^ {2}([a-z][a-z-]*)\b/gm)].map((m) => m[1]).filter((n) => n !== 'help');
    };
    const top = commandsOf([]);
    expect(top).toEqual(expect.arrayContaining(['start', 'metrics', 'series', 'bench']));
    const seen: string[] = [];
    const walk = (args: string[]) => {
      for (const sub of commandsOf(args)) {
        seen.push([...args, sub].join(' '));
        walk([...args, sub]);
      }
    };
    walk([]);
    expect(seen).toContain('bench store');
  }, 300_000);
});
