import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { RedisStore } from '../../core/store/redisStore.js';
import { freshRedisDb, redisUrl } from '../support/redis.js';
import { kale } from '../support/kaleCli.js';

// Debian's python3 (with python3-msgpack and python3-redis), not whatever python3 is first on PATH.
const PYTHON = '/usr/bin/python3';

const SKYLINE_WRITER = `
import sys, msgpack, redis
r = redis.Redis.from_url(sys.argv[1])
for ts, value in [(1700000000, 1.5), (1700000060, 2), (1700000030, -3.25), (1700000060, 4.0)]:
    r.append('metrics.py.written', msgpack.packb((ts, value)))
r.sadd('metrics.unique_metrics', 'metrics.py.written')
`;

const SKYLINE_READER = `
import sys, json, msgpack, redis
r = redis.Redis.from_url(sys.argv[1])
unpacker = msgpack.Unpacker(raw=False)
unpacker.feed(r.get('metrics.kale.written'))
print(json.dumps({'points': [list(p) for p in unpacker], 'members': sorted(m.decode() for m in r.smembers('metrics.unique_metrics'))}))
`;

describe.runIf(redisUrl)('Skyline byte compatibility with python3-msgpack', () => {
  it('reads points Python appended the way Skyline does', async () => {
    const url = await freshRedisDb();
    execFileSync(PYTHON, ['-c', SKYLINE_WRITER, url]);
    const r = kale(['series', 'py.written', '--redis', url, '--json']);
    expect(r.stderr).toBe('');
    // Sorted by timestamp, duplicate timestamp resolved to the last write.
    expect(JSON.parse(r.stdout)).toEqual([
      [1700000000, 1.5],
      [1700000030, -3.25],
      [1700000060, 4],
    ]);
    expect(kale(['metrics', '--redis', url, '--json']).stdout.trim()).toBe('["py.written"]');
  });

  it('writes points Python reads back with msgpack.Unpacker', async () => {
    const url = await freshRedisDb();
    const store = RedisStore.connect(url);
    await store.append([
      {
        name: 'kale.written',
        points: [
          [1700000000, 1.5],
          [1700000060, 2],
        ],
      },
    ]);
    await store.append([{ name: 'kale.written', points: [[1700000120, -0.125]] }]);
    await store.close();
    const out = JSON.parse(execFileSync(PYTHON, ['-c', SKYLINE_READER, url], { encoding: 'utf8' }));
    expect(out.points).toEqual([
      [1700000000, 1.5],
      [1700000060, 2],
      [1700000120, -0.125],
    ]);
    expect(out.members).toEqual(['metrics.kale.written']);
  });
});
