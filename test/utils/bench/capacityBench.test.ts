import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { KALE_BIN } from '../../support/kaleCli.js';

const bench = (args: string[]) =>
  spawnSync(process.execPath, [KALE_BIN, 'bench', 'capacity', ...args], {
    encoding: 'utf8',
    timeout: 240_000,
  });

describe('kale bench capacity (its own redis-server)', () => {
  it('reports Redis bytes and per-metric costs of each periodic pass, from real Redis figures', () => {
    const r = bench(['--metrics', '200', '--points', '1440', '--repeat', '1', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    const points = 1440 * 15; // Skyline's 15 bytes a point
    expect(out).toMatchObject({ bench: 'capacity', metrics: 200, points: 1440, preset: 'default' });
    expect(out.redis_bytes_per_metric_windows).toBeGreaterThan(points);
    expect(out.redis_bytes_per_metric_windows).toBeLessThan(2 * points);
    // The default preset keeps calibration and an hourly context per metric.
    expect(out.redis_bytes_per_metric_with_state).toBeGreaterThan(out.redis_bytes_per_metric_windows + 1000);
    // The analyzer and the importer read every window whole; roomba trims in Redis and sends little back.
    expect(out.analyzer.redis_sent_bytes_per_metric).toBeGreaterThan(points);
    expect(out.oculus_import.redis_sent_bytes_per_metric).toBeGreaterThan(points);
    expect(out.roomba.redis_sent_bytes_per_metric).toBeLessThan(1000);
    for (const pass of [out.analyzer, out.oculus_import, out.roomba]) {
      expect(pass.kale_cpu_us_per_metric).toBeGreaterThan(0);
      expect(pass.redis_cpu_us_per_metric).toBeGreaterThan(0);
    }
    expect(out.oculus_import.shape_bytes_per_metric).toBe(1170);
  }, 240_000);

  it('a bad count or a cluster URL exits 2 with one line', () => {
    const bad = bench(['--metrics', 'lots']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--metrics: expected a positive integer, got "lots"');
    const cluster = bench(['--redis', 'redis-cluster://127.0.0.1:1']);
    expect(cluster.status).toBe(2);
    expect(cluster.stderr).toContain('not a cluster');
  });
});
