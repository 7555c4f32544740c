import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatCount } from './format-count.js';
import { decodeSegmentFile, isUnwritten } from './journal-record.js';
import { createJournalReplay } from './replay-journal.js';
import { segmentPattern } from './segment-name.js';

/**
 * What an outbox directory holds, read without changing anything.
 */
export interface JournalReport {
  directory: string;
  segments: Array<{ file: string; bytes: number; records: number }>;
  /** Events owed to OpenMeter (crash events of open streams included). */
  pending: { events: number; openStreams: number; oldestEnqueuedAt: string | undefined };
  /** Sequences acknowledged (delivered or dead-lettered) in the segments still on disk. */
  delivered: number;
  damaged: Array<{ file: string; start: number; end: number; lostRecords: number; reason: string }>;
  quarantined: string[];
  deadLetters: number;
  /** The lock's owner as written in the lock (`pid:start:namespace:token:host`), if any. */
  lock: string | undefined;
}

/**
 * Reads an outbox directory (segments, quarantine, dead letters, lock) read-only and reports
 * what it holds; used by the `meter-outbox-verify` command.
 */
export function verifyJournal(
  directory: string,
  {
    segmentBytes = 8 * 1024 * 1024,
  }: {
    /** The outbox's `segmentBytes`: a segment this size may end in zeros written ahead. */
    segmentBytes?: number;
  } = {},
): JournalReport {
  const names = fs.readdirSync(directory).sort();
  const read = (name: string) => fs.readFileSync(path.join(directory, name));
  // Segments first (read one at a time below), then pre-written files that hold anything (one
  // holding records is adopted as the newest segment when the outbox opens; an unused one is all
  // zeros and is left out).
  const files: Array<{ name: string; bytes?: Buffer }> = [
    ...names.filter((name) => segmentPattern.test(name)).map((name) => ({ name })),
    ...names
      .filter((name) => name.endsWith('.prepared'))
      .map((name) => ({ name, bytes: read(name) }))
      .filter(({ bytes }) => !isUnwritten(bytes)),
  ];
  const replay = createJournalReplay();
  const acknowledged = new Set<number>();
  const segments: JournalReport['segments'] = [];
  const damaged: JournalReport['damaged'] = [];
  let nextSegment = 0;
  // As the outbox's open: sequence numbers start at 1 in segment 1, the first of a directory.
  let previousSequence: number | undefined;
  for (const [index, entry] of files.entries()) {
    const { name } = entry;
    const file = path.join(directory, name);
    const bytes = entry.bytes ?? read(name);
    const match = segmentPattern.exec(name);
    if (index === 0 && match && Number(match[1]) === 1) previousSequence = 0;
    // The same reading as the outbox's open (zeros written ahead against zeros from damage).
    const decoded = decodeSegmentFile({
      bytes,
      segmentBytes,
      newest: index === files.length - 1,
      previousSequence,
    });
    previousSequence = decoded.highestSequence;
    const segment = match ? Number(match[1]) : nextSegment;
    nextSegment = segment + 1;
    for (const located of decoded.records) {
      replay.add(located.record, { segment, offset: located.offset, length: located.length });
      if (located.record.k === 'ack')
        for (const sequence of located.record.s) acknowledged.add(sequence);
    }
    for (const range of decoded.damaged) {
      damaged.push({
        file,
        start: range.start,
        end: range.end,
        lostRecords: range.lostRecords,
        reason: range.tail ? `${range.reason}, at the end (torn write)` : range.reason,
      });
    }
    segments.push({ file, bytes: bytes.length, records: decoded.records.length });
  }
  const replayed = replay.result();
  const oldest = [...replayed.events, ...replayed.openStreams].sort(
    (left, right) => left.enqueuedAt - right.enqueuedAt,
  )[0];
  const quarantineDirectory = path.join(directory, 'quarantine');
  const quarantined = fs.existsSync(quarantineDirectory)
    ? fs.readdirSync(quarantineDirectory).map((name) => path.join(quarantineDirectory, name))
    : [];
  const deadLetterFile = path.join(directory, 'dead-letter.jsonl');
  const deadLetters = fs.existsSync(deadLetterFile)
    ? fs
        .readFileSync(deadLetterFile, 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '').length
    : 0;
  let lock: string | undefined;
  try {
    lock = fs.readlinkSync(path.join(directory, 'outbox.lock'));
  } catch {}
  return {
    directory,
    segments,
    pending: {
      events: replayed.events.length,
      openStreams: replayed.openStreams.length,
      oldestEnqueuedAt: oldest ? new Date(oldest.enqueuedAt).toISOString() : undefined,
    },
    delivered: acknowledged.size,
    damaged,
    quarantined,
    deadLetters,
    lock,
  };
}

/**
 * Formats a {@link JournalReport} as the lines `meter-outbox-verify` prints.
 */
export function formatJournalReport(report: JournalReport): string {
  const lines = [
    `outbox ${report.directory}`,
    `  segments:     ${report.segments.length} (${report.segments.reduce((total, segment) => total + segment.bytes, 0)} bytes, ${report.segments.reduce((total, segment) => total + segment.records, 0)} readable records)`,
    `  pending:      ${formatCount({ count: report.pending.events, noun: 'event' })} + ${formatCount({ count: report.pending.openStreams, noun: 'open stream crash event' })}${report.pending.oldestEnqueuedAt ? ` (oldest enqueued ${report.pending.oldestEnqueuedAt})` : ''}`,
    `  delivered:    ${report.delivered} acknowledged in the segments still on disk`,
    `  damaged:      ${report.damaged.length === 0 ? 'none' : `${report.damaged.reduce((total, range) => total + range.lostRecords, 0)} lost records at most`}`,
    ...report.damaged.map(
      (range) =>
        `    ${range.file} bytes ${range.start}-${range.end}: ${formatCount({ count: range.lostRecords, noun: 'record' })}, ${range.reason}`,
    ),
    `  quarantined:  ${report.quarantined.length === 0 ? 'none' : report.quarantined.join(', ')}`,
    `  dead letters: ${report.deadLetters}${report.deadLetters > 0 ? ` (${path.join(report.directory, 'dead-letter.jsonl')})` : ''}`,
    `  lock:         ${report.lock ?? 'none (no process holds this outbox)'}`,
  ];
  return lines.join('\n');
}
