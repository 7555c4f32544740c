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
  { k: 'event', s: 10, t: 1003, e: createTestEvent({ index: 10 }) },
];
const encoded = records.map((record) => encodeJournalRecord(record));
const segment = Buffer.concat(encoded);
const boundaries = [0];
for (const bytes of encoded) boundaries.push((boundaries.at(-1) as number) + bytes.length);
const recordAt = (position: number) => boundaries.findIndex((end) => end > position) - 1;

describe('journal records', () => {
  it('round-trip every record kind, with their byte ranges', () => {
    const decoded = decodeJournalSegment(segment);
    expect(decoded.damaged).toEqual([]);
    expect(decoded.records.map((located) => located.record)).toEqual(records);
    expect(decoded.records.map((located) => located.offset)).toEqual(boundaries.slice(0, -1));
  });

  it('recover exactly the whole records before any truncation point, reporting a torn one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: segment.length }), (length) => {
        const decoded = decodeJournalSegment(segment.subarray(0, length));
        const whole = boundaries.filter((boundary) => boundary <= length).length - 1;
        expect(decoded.records.map((located) => located.record)).toEqual(records.slice(0, whole));
        const torn = length !== boundaries[whole];
        expect(decoded.damaged).toEqual(
          torn
            ? [
                {
                  start: boundaries[whole],
                  end: length,
                  lostRecords: 1,
                  reason: expect.any(String),
                  tail: true,
                },
              ]
            : [],
        );
      }),
    );
  });

  it('lose at most the record whose byte was flipped, and resynchronise on the next', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: segment.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        (position, mask) => {
          const damaged = Buffer.from(segment);
          damaged[position] = (damaged[position] as number) ^ mask;
          const decoded = decodeJournalSegment(damaged);
          const hit = recordAt(position);
          // A flipped marker alone loses nothing: the checksum still vouches for the record.
          if (position - (boundaries[hit] as number) < 4) {
            expect(decoded.records.map((located) => located.record)).toEqual(records);
            expect(decoded.damaged).toEqual([]);
            return;
          }
          expect(decoded.records.map((located) => located.record)).toEqual(
            records.filter((_, index) => index !== hit),
          );
          expect(decoded.damaged).toHaveLength(1);
          expect(decoded.damaged[0]).toMatchObject({
            start: boundaries[hit],
            end: boundaries[hit + 1],
            lostRecords: 1,
          });
        },
      ),
    );
  });

  it('read zeros after a record boundary as space written ahead, not damage', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: segment.length }),
        fc.integer({ min: 1, max: 4096 }),
        (length, zeros) => {
          // A segment pre-written with zeros, cut anywhere: a crash mid-write into that space.
          const decoded = decodeJournalSegment(
            Buffer.concat([segment.subarray(0, length), Buffer.alloc(zeros)]),
          );
          const whole = boundaries.filter((boundary) => boundary <= length).length - 1;
          expect(decoded.records.map((located) => located.record)).toEqual(records.slice(0, whole));
          if (length === boundaries[whole]) {
            expect(decoded.damaged).toEqual([]);
            expect(decoded.zeroTailFrom).toBe(length);
          } else {
            expect(decoded.damaged).toEqual([
              {
                start: boundaries[whole],
                end: length + zeros,
                lostRecords: 1,
                reason: expect.any(String),
                tail: true,
              },
            ]);
          }
        },
      ),
      // Cut after the first record's length field, six zeros on: bytes 1-13 read as a one-byte
      // record ending at the file's end, inside the first record's header (seed 1198516834).
      { examples: [[8, 6]] },
    );
  });

  it('report zeros before a readable record as damage: only a zero tail is unwritten space', () => {
    const zeroed = Buffer.from(segment);
    zeroed.fill(0, boundaries[1], boundaries[2]);
    const decoded = decodeJournalSegment(zeroed);
    expect(decoded.records.map((located) => located.record)).toEqual(
      records.filter((_, index) => index !== 1),
    );
    expect(decoded.damaged).toMatchObject([
      { start: boundaries[1], end: boundaries[2], lostRecords: 1, tail: false },
    ]);
    expect(decoded.zeroTailFrom).toBe(segment.length);
  });

  it('never throw on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        const decoded = decodeJournalSegment(Buffer.from(bytes));
        const covered = decoded.damaged.reduce(
          (total, range) => total + range.end - range.start,
          0,
        );
        expect(covered).toBeLessThanOrEqual(bytes.length);
      }),
    );
  });
});
