import { crc32 } from './crc32.js';
import type { OutboxEvent } from './outbox-event.js';

/**
 * One journal entry. `s` is the outbox sequence number, `t` the enqueue time (epoch ms).
 * - `event`: an event to deliver.
 * - `stream-open`: a stream's estimate, metered as `crashed` if never completed.
 * - `stream-complete`: closes stream `s` and adds its final event as sequence `n`, in one record
 *   so a crash can never leave both or neither.
 * - `stream-abandon`: closes stream `s` without metering.
 * - `ack`: sequences delivered or dead-lettered.
 * @see https://www.rfc-editor.org/rfc/rfc1952#section-8
 */
export type JournalRecord =
  | { k: 'event'; s: number; t: number; e: OutboxEvent }
  | { k: 'stream-open'; s: number; t: number; e: OutboxEvent }
  | { k: 'stream-complete'; s: number; n: number; t: number; e: OutboxEvent }
  | { k: 'stream-abandon'; s: number }
  | { k: 'ack'; s: number[] };

/**
 * Bytes before each payload: u32 LE payload length, u32 LE CRC-32 of the payload.
 * @see https://www.rfc-editor.org/rfc/rfc1952#section-8
 */
export const recordHeaderBytes = 8;
/**
 * Larger lengths can only come from corruption.
 * @see https://www.rfc-editor.org/rfc/rfc1952#section-8
 */
export const maxRecordBytes = 64 * 1024 * 1024;

/**
 * Encodes a record as `[length u32 LE][crc32 u32 LE][JSON payload]`, so a reader can tell a whole
 * record from a torn or corrupted one.
 * @see https://www.rfc-editor.org/rfc/rfc1952#section-8
 */
export function encodeJournalRecord(record: JournalRecord): Buffer {
  const json = JSON.stringify(record);
  const payloadLength = Buffer.byteLength(json);
  const buffer = Buffer.allocUnsafe(recordHeaderBytes + payloadLength);
  buffer.write(json, recordHeaderBytes, 'utf8');
  buffer.writeUInt32LE(payloadLength, 0);
  buffer.writeUInt32LE(
    crc32({ bytes: buffer, start: recordHeaderBytes, end: recordHeaderBytes + payloadLength }),
    4,
  );
  return buffer;
}

/**
 * The whole records of a segment, and where (and why) reading stopped early, if it did.
 * @see https://www.rfc-editor.org/rfc/rfc1952#section-8
 */
export interface DecodedSegment {
  records: JournalRecord[];
  validBytes: number;
  corruption: { offset: number; reason: string } | undefined;
}

/**
 * Decodes records from the start of `bytes` until the end or the first torn/corrupt record; what
 * follows a bad record is not trusted (its length prefix cannot be).
 * @see https://www.rfc-editor.org/rfc/rfc1952#section-8
 */
export function decodeJournalSegment(bytes: Buffer): DecodedSegment {
  const records: JournalRecord[] = [];
  let offset = 0;
  const stop = (reason: string): DecodedSegment => ({
    records,
    validBytes: offset,
    corruption: { offset, reason },
  });
  while (offset < bytes.length) {
    if (bytes.length - offset < recordHeaderBytes) return stop('torn record header');
    const payloadLength = bytes.readUInt32LE(offset);
    const checksum = bytes.readUInt32LE(offset + 4);
    if (payloadLength === 0 || payloadLength > maxRecordBytes) {
      return stop(`implausible record length ${payloadLength}`);
    }
    const start = offset + recordHeaderBytes;
    const end = start + payloadLength;
    if (end > bytes.length) return stop('torn record (file ends inside it)');
    if (crc32({ bytes, start, end }) !== checksum) return stop('checksum mismatch');
    let record: JournalRecord;
    try {
      record = JSON.parse(bytes.toString('utf8', start, end)) as JournalRecord;
    } catch (error) {
      return stop(`unreadable record payload (${(error as Error).message})`);
    }
    records.push(record);
    offset = end;
  }
  return { records, validBytes: offset, corruption: undefined };
}
