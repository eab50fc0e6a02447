import { describe, expect, it } from 'vitest';
import { emitRecord, emitRecords } from '../../../horizon/decoders/records.js';
import { RecordingSink } from '../support.js';

describe('emitRecords', () => {
  it('delivers a single record and every record of a list, names as text or bytes', () => {
    const sink = new RecordingSink();
    emitRecords(['one', [1, 2]], sink, 'p');
    const bytes = Buffer.from('b.name');
    emitRecords(
      [
        ['a', [3, '4.5']],
        [bytes, [5, 6]],
      ],
      sink,
      'p',
    );
    expect(sink.points).toEqual([
      ['one', 1, 2],
      ['a', 3, '4.5'],
      [bytes, 5, 6],
    ]);
    expect(sink.rejects).toEqual([]);
  });

  it('reads a list of exactly two records as two records, not as one named by a list', () => {
    const sink = new RecordingSink();
    emitRecords(
      [
        ['a', [1, 2]],
        ['b', [3, 4]],
      ],
      sink,
      'p',
    );
    expect(sink.points).toEqual([
      ['a', 1, 2],
      ['b', 3, 4],
    ]);
  });

  it('counts the items that are not records in one structure reject and delivers the rest', () => {
    const sink = new RecordingSink();
    emitRecords([['a', [1, 2]], 7, ['b', [1, 2, 3]], [1, [1, 2]], ['c', [5, 6]]], sink, 'p');
    expect(sink.points).toEqual([
      ['a', 1, 2],
      ['c', 5, 6],
    ]);
    expect(sink.rejects).toEqual([
      { reason: 'structure', detail: '3 list items are not (name, (ts, value))', count: 3 },
    ]);
  });

  it('refuses a payload that is neither a record nor a list as one structure reject', () => {
    const sink = new RecordingSink();
    emitRecords(new Map([['a', 1]]), sink, 'p');
    expect(sink.points).toEqual([]);
    expect(sink.rejects).toEqual([
      { reason: 'structure', detail: 'payload is neither a record nor a list of records', count: 1 },
    ]);
  });

  it('emitRecord answers whether the item was a record, delivering nothing when it was not', () => {
    const sink = new RecordingSink();
    expect(emitRecord(['a', [1, 2]], sink, 'p')).toBe(true);
    expect(emitRecord(['a', [1, 2], 3], sink, 'p')).toBe(false);
    expect(emitRecord([null, [1, 2]], sink, 'p')).toBe(false);
    expect(emitRecord(['a', 'b'], sink, 'p')).toBe(false);
    expect(sink.points).toEqual([['a', 1, 2]]);
  });
});
