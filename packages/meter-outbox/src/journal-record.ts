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
}

type ReadAttempt = { ok: true; located: LocatedRecord } | { ok: false; reason: string };

// Every payload starts with this (the `k` key comes first): a second signature of a record
// start, for a record whose marker itself was damaged.
const payloadPrefix = Buffer.from('{"k":"');

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
 * reported with its byte range and the number of record starts found in it. Zero bytes from a
 * record boundary to the end are space written ahead of use (segments are pre-written with zeros,
 * see the segment journal), not damage: no record starts with a zero byte. Never throws.
 */
export function decodeJournalSegment(bytes: Buffer): DecodedSegment {
  const records: LocatedRecord[] = [];
  const damaged: DamagedRange[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (bytes[offset] === 0 && isZeroFrom(bytes, offset)) {
      return { records, damaged, zeroTailFrom: offset };
    }
    const attempt = readRecordAt(bytes, offset);
    if (attempt.ok) {
      records.push(attempt.located);
      offset += attempt.located.length;
      continue;
    }
    // Resynchronise: the next record start (a marker, or a payload prefix 12 bytes on) that
    // opens a whole, checksummed record ends the damaged stretch. Every other start in between
    // was a record lost.
    const starts = new Set<number>([offset]);
    let end = bytes.length;
    let tail = true;
    let byMarker = bytes.indexOf(recordMagic, offset + 1);
    let byPrefix = bytes.indexOf(payloadPrefix, offset + recordHeaderBytes + 1);
    while (byMarker !== -1 || byPrefix !== -1) {
      const prefixStart = byPrefix === -1 ? Number.POSITIVE_INFINITY : byPrefix - recordHeaderBytes;
      const markerStart = byMarker === -1 ? Number.POSITIVE_INFINITY : byMarker;
      const candidate = Math.min(prefixStart, markerStart);
      if (candidate === markerStart) byMarker = bytes.indexOf(recordMagic, byMarker + 1);
      if (candidate === prefixStart) byPrefix = bytes.indexOf(payloadPrefix, byPrefix + 1);
      if (candidate <= offset) continue;
      if (readRecordAt(bytes, candidate).ok) {
        end = candidate;
        tail = false;
        break;
      }
      starts.add(candidate);
    }
    damaged.push({
      start: offset,
      end,
      lostRecords: starts.size,
      reason: attempt.reason,
      tail,
    });
    offset = end;
  }
  return { records, damaged, zeroTailFrom: bytes.length };
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
}: {
  bytes: Buffer;
  segmentBytes: number;
  newest: boolean;
}): DecodedSegment {
  const decoded = decodeJournalSegment(bytes);
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
