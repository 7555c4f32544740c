import { crc32 } from './crc32.js';
import type { OutboxEvent } from './outbox-event.js';

/**
 * One journal entry. `s` is the outbox sequence number, `t` the enqueue time (epoch ms).
 * - `event`: an event to deliver.
 * - `stream-open`: a stream's crash event, delivered as is if the stream is never closed.
 * - `stream-complete`: closes stream `s` and adds its final event as sequence `n`, in one record
 *   so a crash can never leave both or neither.
 * - `stream-abandon`: closes stream `s` without metering.
 * - `ack`: sequences delivered or dead-lettered.
 */
export type JournalRecord =
  | { k: 'event'; s: number; t: number; e: OutboxEvent }
  | { k: 'stream-open'; s: number; t: number; e: OutboxEvent }
  | { k: 'stream-complete'; s: number; n: number; t: number; e: OutboxEvent }
  | { k: 'stream-abandon'; s: number }
  | { k: 'ack'; s: number[] };

/**
 * The 4 bytes that open every record. 0xFF never occurs in UTF-8, so the marker can never be
 * found inside a JSON payload: after damage, the reader resynchronises on the next marker.
 */
export const recordMagic = Buffer.from([0xff, 0x4d, 0x4f, 0x31]);
/**
 * Bytes before each payload: magic, u32 LE payload length, u32 LE CRC-32 of length + payload.
 */
export const recordHeaderBytes = 12;
/**
 * Larger lengths can only come from corruption.
 */
export const maxRecordBytes = 64 * 1024 * 1024;

/**
 * Encodes a record as `[magic][length u32 LE][crc32 u32 LE][JSON payload]`; the checksum covers
 * the length and the payload, so a reader can tell a whole record from a torn or damaged one.
 * With `scratch`, encodes into it (growing it as needed) and returns a view that is valid until
 * the next call: no buffer is allocated per record, which keeps large events from churning the
 * garbage collector. Throws `TypeError` for what JSON cannot hold (BigInt, cycles).
 */
export function encodeJournalRecord(record: JournalRecord, scratch?: { buffer: Buffer }): Buffer {
  const json = JSON.stringify(record);
  // UTF-8 takes at most 3 bytes per UTF-16 code unit.
  const bound = recordHeaderBytes + json.length * 3;
  let buffer: Buffer;
  if (scratch) {
    if (scratch.buffer.length < bound)
      scratch.buffer = Buffer.allocUnsafe(Math.max(bound, 64 * 1024));
    buffer = scratch.buffer;
  } else buffer = Buffer.allocUnsafe(bound);
  const payloadLength = buffer.write(json, recordHeaderBytes, 'utf8');
  recordMagic.copy(buffer, 0);
  buffer.writeUInt32LE(payloadLength, 4);
  buffer.writeUInt32LE(checksumOf(buffer, 0, payloadLength), 8);
  return buffer.subarray(0, recordHeaderBytes + payloadLength);
}

function checksumOf(bytes: Buffer, offset: number, payloadLength: number): number {
  const lengthCrc = crc32({ bytes, start: offset + 4, end: offset + 8 });
  const payloadStart = offset + recordHeaderBytes;
  const payloadCrc = crc32({ bytes, start: payloadStart, end: payloadStart + payloadLength });
  return (lengthCrc ^ payloadCrc) >>> 0;
}

/**
 * A record read back with where it lies in its segment.
 */
export interface LocatedRecord {
  record: JournalRecord;
  offset: number;
  length: number;
}

/**
 * A stretch of a segment that held no readable record: `[start, end)` in bytes, and how many
 * records it held at most (record markers found in it, at least one).
 */
export interface DamagedRange {
  start: number;
  end: number;
  lostRecords: number;
  reason: string;
  /** Nothing readable follows: a torn tail, as a crash or power loss mid-write leaves. */
  tail: boolean;
}

/**
 * Every readable record of a segment and every damaged range between them.
 */
export interface DecodedSegment {
  records: LocatedRecord[];
  damaged: DamagedRange[];
  /** Where the zero bytes that end the segment begin: space written ahead, never used. */
  zeroTailFrom: number;
  /** The highest sequence number read (or passed in), for the next segment's gaps. */
  highestSequence: number | undefined;
}

type ReadAttempt = { ok: true; located: LocatedRecord } | { ok: false; reason: string };

// Every payload starts with this (the `k` key comes first): a second signature of a record
// start, for a record whose marker itself was damaged.
const payloadPrefix = Buffer.from('{"k":"');

/**
 * Adds to `starts` the records of a damaged stretch from `from` whose signatures were damaged
 * but whose length field still reaches exactly the next record start (or one of `ends`): read
 * backwards from the end, each one found is a boundary for the one before it. In JSON text no 4
 * bytes read as a length that small, so text never passes for a record start.
 */
function addChainedStarts({
  bytes,
  from,
  starts,
  ends,
}: {
  bytes: Buffer;
  from: number;
  starts: Set<number>;
  ends: number[];
}): void {
  const end = Math.max(...ends);
  const boundaries = new Set<number>([...starts, ...ends]);
  // `from` is a record's start (the record after the last whole one): the next record can start
  // no sooner than its header and one payload byte later.
  for (
    let candidate = end - recordHeaderBytes - 1;
    candidate > from + recordHeaderBytes;
    candidate--
  ) {
    const payloadLength = bytes.readUInt32LE(candidate + 4);
    if (payloadLength === 0 || payloadLength > end - candidate) continue;
    if (!boundaries.has(candidate + recordHeaderBytes + payloadLength)) continue;
    boundaries.add(candidate);
    starts.add(candidate);
  }
}

/** Where the data of a segment ends: before the zeros written ahead that end it, if any. */
function dataEnd(bytes: Buffer, from: number): number {
  let end = bytes.length;
  while (end > from && bytes[end - 1] === 0) end -= 1;
  return end;
}

function readRecordAt(bytes: Buffer, offset: number): ReadAttempt {
  if (bytes.length - offset < recordHeaderBytes) return { ok: false, reason: 'torn record header' };
  // A damaged marker alone does not condemn a record: the checksum over length and payload
  // decides (a wrong length cannot match it).
  const payloadLength = bytes.readUInt32LE(offset + 4);
  if (payloadLength === 0 || payloadLength > maxRecordBytes) {
    return { ok: false, reason: `implausible record length ${payloadLength}` };
  }
  const end = offset + recordHeaderBytes + payloadLength;
  if (end > bytes.length) return { ok: false, reason: 'torn record (file ends inside it)' };
  if (checksumOf(bytes, offset, payloadLength) !== bytes.readUInt32LE(offset + 8)) {
    return { ok: false, reason: 'checksum mismatch' };
  }
  try {
    const record = JSON.parse(
      bytes.toString('utf8', offset + recordHeaderBytes, end),
    ) as JournalRecord;
    return { ok: true, located: { record, offset, length: end - offset } };
  } catch (error) {
    return { ok: false, reason: `unreadable record payload (${(error as Error).message})` };
  }
}

/**
 * Decodes every readable record of a segment. After a torn or damaged record it resynchronises on
 * the next record start (marker, or payload prefix) that opens a whole, checksummed record, so
 * one flipped byte costs at most one record, not the rest of the segment; each skipped stretch is
 * reported with its byte range and the number of records it held: the record starts found in it
 * (by signature, or by a length field reaching the next start), or the gap in sequence numbers
 * across it when that is larger (`previousSequence`: the highest before this segment). Zero bytes from a
 * record boundary to the end are space written ahead of use (segments are pre-written with zeros,
 * see the segment journal), not damage: no record starts with a zero byte. Never throws.
 */
export function decodeJournalSegment(
  bytes: Buffer,
  { previousSequence }: { previousSequence?: number | undefined } = {},
): DecodedSegment {
  const records: LocatedRecord[] = [];
  const damaged: DamagedRange[] = [];
  // The highest sequence number seen so far (`undefined`: unknown, nothing before this segment
  // was read): the sequence gap across a damaged stretch counts the records lost in it.
  let highestSequence = previousSequence;
  let offset = 0;
  while (offset < bytes.length) {
    if (bytes[offset] === 0 && isZeroFrom(bytes, offset)) {
      return { records, damaged, zeroTailFrom: offset, highestSequence };
    }
    const attempt = readRecordAt(bytes, offset);
    if (attempt.ok) {
      records.push(attempt.located);
      highestSequence = highestSequenceOf(attempt.located.record, highestSequence);
      offset += attempt.located.length;
      continue;
    }
    // Resynchronise: the next record start (a marker, or a payload prefix 12 bytes on) that
    // opens a whole, checksummed record ends the damaged stretch. Every other start in between
    // was a record lost.
    const starts = new Set<number>([offset]);
    let end = bytes.length;
    let tail = true;
    let next: JournalRecord | undefined;
    let byMarker = bytes.indexOf(recordMagic, offset + 1);
    let byPrefix = bytes.indexOf(payloadPrefix, offset + recordHeaderBytes + 1);
    while (byMarker !== -1 || byPrefix !== -1) {
      const prefixStart = byPrefix === -1 ? Number.POSITIVE_INFINITY : byPrefix - recordHeaderBytes;
      const markerStart = byMarker === -1 ? Number.POSITIVE_INFINITY : byMarker;
      const candidate = Math.min(prefixStart, markerStart);
      if (candidate === markerStart) byMarker = bytes.indexOf(recordMagic, byMarker + 1);
      if (candidate === prefixStart) byPrefix = bytes.indexOf(payloadPrefix, byPrefix + 1);
      if (candidate <= offset) continue;
      const found = readRecordAt(bytes, candidate);
      if (found.ok) {
        next = found.located.record;
        end = candidate;
        tail = false;
        break;
      }
      starts.add(candidate);
    }
    addChainedStarts({
      bytes,
      from: offset,
      starts,
      ends: tail ? [bytes.length, dataEnd(bytes, offset)] : [end],
    });
    // A record whose marker and payload prefix were both damaged leaves no start to find: the
    // gap between the sequence numbers on either side of the stretch counts it (acks and
    // abandons take no sequence number, so only the starts found count those).
    const gap = sequenceGap({ before: highestSequence, after: next, bytes: end - offset });
    damaged.push({
      start: offset,
      end,
      lostRecords: Math.max(starts.size, gap),
      reason: attempt.reason,
      tail,
    });
    offset = end;
  }
  return { records, damaged, zeroTailFrom: bytes.length, highestSequence };
}

/** The sequence number a record introduces (an event's, a stream's, a completion's new one). */
function newSequenceOf(record: JournalRecord): number | undefined {
  if (record.k === 'event' || record.k === 'stream-open') return record.s;
  if (record.k === 'stream-complete') return record.n;
  return undefined;
}

function highestSequenceOf(record: JournalRecord, highest: number | undefined): number | undefined {
  const sequence = newSequenceOf(record);
  if (sequence === undefined || !Number.isSafeInteger(sequence)) return highest;
  return highest === undefined ? sequence : Math.max(highest, sequence);
}

// The fewest bytes a record taking a sequence number can take (`{"k":"event","s":1,"t":0,"e":{}}`
// behind its header): a gap wider than the stretch could hold is not believed.
const smallestSequencedRecordBytes = recordHeaderBytes + 30;

/**
 * How many sequence-numbered records a damaged stretch of `bytes` held, from the numbers on either
 * side: sequence numbers are handed out in the order records are written, so a record after the
 * stretch numbered `after` while `before` was the highest before it leaves `after - before - 1`
 * records in between. A record copied forward by compaction keeps its old, lower number, and a
 * stream's updates repeat theirs: those give no gap. 0 when either side is unknown.
 */
function sequenceGap({
  before,
  after,
  bytes,
}: {
  before: number | undefined;
  after: JournalRecord | undefined;
  bytes: number;
}): number {
  const sequence = after === undefined ? undefined : newSequenceOf(after);
  if (before === undefined || sequence === undefined || sequence <= before) return 0;
  return Math.min(sequence - before - 1, Math.floor(bytes / smallestSequencedRecordBytes));
}

/**
 * Whether a segment file holds nothing: empty, or zeros only (pre-written and never used).
 */
export function isUnwritten(bytes: Buffer): boolean {
  return isZeroFrom(bytes, 0);
}

/**
 * Decodes a segment file as the journal leaves it. Zeros up to the end are space written ahead
 * only while the file is still a pre-written segment's size (`segmentBytes`: never cut back to
 * its records); anywhere else they are damage, a torn tail in the `newest` file, and
 * `zeroTailFrom` is then the file's end.
 */
export function decodeSegmentFile({
  bytes,
  segmentBytes,
  newest,
  previousSequence,
}: {
  bytes: Buffer;
  segmentBytes: number;
  newest: boolean;
  /**
   * The highest sequence number of the segments before this one (0 before the first segment
   * a directory ever had), so damage at the start of the segment is counted by the gap too.
   */
  previousSequence?: number | undefined;
}): DecodedSegment {
  const decoded = decodeJournalSegment(bytes, { previousSequence });
  if (decoded.zeroTailFrom < bytes.length && bytes.length !== segmentBytes) {
    decoded.damaged.push({
      start: decoded.zeroTailFrom,
      end: bytes.length,
      lostRecords: 1,
      reason: 'zero bytes up to the end of a segment that had been cut back to its records',
      tail: newest,
    });
    // Damage, not space: nothing is left to read as written ahead.
    decoded.zeroTailFrom = bytes.length;
  }
  return decoded;
}

const zeroChunk = Buffer.alloc(64 * 1024);

function isZeroFrom(bytes: Buffer, start: number): boolean {
  for (let at = start; at < bytes.length; at += zeroChunk.length) {
    const end = Math.min(bytes.length, at + zeroChunk.length);
    if (!bytes.subarray(at, end).equals(zeroChunk.subarray(0, end - at))) return false;
  }
  return true;
}
