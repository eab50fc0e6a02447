import { describe, expect, it } from 'vitest';
import { FrameRecords } from '../../../horizon/decoders/frameRecords.js';
import { RecordingSink } from '../support.js';

describe('FrameRecords', () => {
  it('delivers the records read so far with names from the frame, UTF-8 or latin1, and nothing before', () => {
    const frame = Buffer.concat([Buffer.from('café.ü', 'utf8'), Buffer.from('café', 'latin1')]);
    const utf8End = Buffer.byteLength('café.ü');
    const records = new FrameRecords();
    records.reset();
    records.name(0, utf8End);
    records.numbers(1700000000, 1.5);
    records.name(utf8End, frame.length, true);
    // A record begun but not completed is not part of the frame's records.
    const sink = new RecordingSink();
    expect(records.count).toBe(1);
    records.numbers(1700000001, -2);
    records.deliver(frame, sink, 'p');
    expect(sink.points).toEqual([
      ['café.ü', 1700000000, 1.5],
      ['café', 1700000001, -2],
    ]);
  });

  it('grows past its first columns and starts each frame from none', () => {
    const frame = Buffer.from('abcdefghij');
    const records = new FrameRecords();
    records.reset(10);
    for (let i = 0; i < 1000; i++) {
      records.name(i % 10, (i % 10) + 1);
      records.numbers(i, -i);
    }
    const sink = new RecordingSink();
    records.deliver(frame, sink, 'p');
    expect(sink.points).toHaveLength(1000);
    expect(sink.points[999]).toEqual(['j', 999, -999]);
    expect(sink.points[256]).toEqual(['g', 256, -256]);
    records.reset();
    const none = new RecordingSink();
    records.deliver(frame, none, 'p');
    expect(none.points).toEqual([]);
  });
});
