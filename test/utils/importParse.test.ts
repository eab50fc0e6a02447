import { describe, expect, it } from 'vitest';
import { detectFormat, parseCsv, parseGraphiteJson, parseSkylineJson } from '../../utils/import/parse.js';
import { parseFileTimestamp } from '../../core/time.js';

describe('import parsers', () => {
  it('reads timestamp,value CSV with an optional header and reports bad rows by line', () => {
    const csv =
      'timestamp,value,label\n1700000000,1.5,0\n\n1700000060,abc,0\nnot-a-time,3,0\n1700000120,,0\n1700000180\n1700000240,4,1\n';
    const r = parseCsv(csv, 'm');
    expect(r.series.get('m')).toEqual([
      [1_700_000_000, 1.5],
      [1_700_000_240, 4],
    ]);
    expect(r.bad).toEqual([
      { line: 4, reason: 'bad value "abc"' },
      { line: 5, reason: 'bad timestamp "not-a-time"' },
      { line: 7, reason: 'expected timestamp,value, got "1700000180"' },
    ]);
    expect(r.empty).toBe(1);
  });

  it('uses named columns from the header', () => {
    expect(parseCsv('value,timestamp\n7,1700000000\n', 'm').series.get('m')).toEqual([[1_700_000_000, 7]]);
  });

  it('reads Graphite render JSON, gaps skipped, bad datapoints by line', () => {
    const text = `[
  {"target": "web.a", "datapoints": [
    [1, 1700000000],
    [null, 1700000060],
    ["x", 1700000120],
    [2]
  ]},
  {"target": "web.b", "datapoints": [[3.5, 1700000000]]}
]`;
    const r = parseGraphiteJson(text, undefined);
    expect([...r.series]).toEqual([
      ['web.a', [[1_700_000_000, 1]]],
      ['web.b', [[1_700_000_000, 3.5]]],
    ]);
    expect(r.bad).toEqual([
      { line: 5, reason: 'bad value "x"' },
      { line: 6, reason: 'expected [value, timestamp], got [2]' },
    ]);
    expect(r.empty).toBe(1);
  });

  it('refuses --metric for a Graphite file with several targets', () => {
    const r = parseGraphiteJson('[{"target":"a","datapoints":[]},{"target":"b","datapoints":[]}]', 'one');
    expect(r.bad[0].reason).toContain('2 targets');
  });

  it('reads Skyline JSON and the bare list; syntax errors name the line', () => {
    expect(
      parseSkylineJson('{"results": [[1700000000, 1], [1700000060, 2.5]]}', 'm').series.get('m'),
    ).toEqual([
      [1_700_000_000, 1],
      [1_700_000_060, 2.5],
    ]);
    expect(parseSkylineJson('[[1700000000, 1]]', 'm').series.get('m')).toEqual([[1_700_000_000, 1]]);
    const broken = parseSkylineJson('{"results": [\n[1700000000, 1],\n[1700000060 2]\n]}', 'm');
    expect(broken.bad).toHaveLength(1);
    expect(broken.bad[0].line).toBe(3);
    expect(broken.bad[0].reason).toMatch(/^invalid JSON: expected ']' at line 3/);
  });

  it('understands epoch seconds, milliseconds and ISO 8601 (UTC), and nothing relative', () => {
    expect(parseFileTimestamp('1700000000')).toBe(1_700_000_000);
    expect(parseFileTimestamp(1_700_000_000_000)).toBe(1_700_000_000);
    expect(parseFileTimestamp('2023-11-14T22:13:20')).toBe(1_700_000_000);
    expect(parseFileTimestamp('2023-11-14T23:13:20+01:00')).toBe(1_700_000_000);
    expect(parseFileTimestamp('now')).toBeUndefined();
    expect(parseFileTimestamp(-5)).toBeUndefined();
  });

  it('detects the format from the extension and content', () => {
    expect(detectFormat('x.csv', '{')).toBe('csv');
    expect(detectFormat('x.json', ' [ {"target"')).toBe('graphite-json');
    expect(detectFormat('x.json', '{"results": []}')).toBe('skyline-json');
    expect(detectFormat('x.json', '[[1, 2]]')).toBe('skyline-json');
  });
});
