import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeJournalSegment, encodeJournalRecord, type JournalRecord } from './journal-record.js';
import { createTestEvent } from './testing/start-test-openmeter.js';

const records: JournalRecord[] = [
  { k: 'event', s: 1, t: 1000, e: createTestEvent({ index: 1 }) },
  {
    k: 'stream-open',
    s: 2,
    t: 1001,
    e: { ...createTestEvent({ index: 2 }), subject: 'ünïcødé 🚀' },
  },
  { k: 'stream-complete', s: 2, n: 3, t: 1002, e: createTestEvent({ index: 2, tokens: 40 }) },
  { k: 'ack', s: [1, 3] },
  { k: 'stream-abandon', s: 9 },
];
const segment = Buffer.concat(records.map(encodeJournalRecord));

describe('journal records', () => {
  it('round-trip every record kind', () => {
    expect(decodeJournalSegment(segment)).toEqual({
      records,
      validBytes: segment.length,
      corruption: undefined,
    });
  });

  it('recover exactly the whole records before any truncation point', () => {
    const boundaries = [0];
    for (const record of records)
      boundaries.push((boundaries.at(-1) as number) + encodeJournalRecord(record).length);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: segment.length }), (length) => {
        const decoded = decodeJournalSegment(segment.subarray(0, length));
        const whole = boundaries.filter((boundary) => boundary <= length).length - 1;
        expect(decoded.records).toEqual(records.slice(0, whole));
        expect(decoded.validBytes).toBe(boundaries[whole]);
        expect(decoded.corruption === undefined).toBe(length === boundaries[whole]);
      }),
    );
  });

  it('stop at the first record whose bytes were changed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: segment.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        (position, mask) => {
          const damaged = Buffer.from(segment);
          damaged[position] = (damaged[position] as number) ^ mask;
          const decoded = decodeJournalSegment(damaged);
          expect(decoded.corruption).toBeDefined();
          expect(decoded.validBytes).toBeLessThanOrEqual(position);
          expect(decoded.records).toEqual(records.slice(0, decoded.records.length));
        },
      ),
    );
  });
});
