import * as path from 'node:path';
import type { JournalFileSystem } from './journal-file-system.js';
import { decodeSegmentFile, isUnwritten, type JournalRecord } from './journal-record.js';
import type { JournalDamage, RecordLocation } from './segment-journal.js';
import { preparedPattern, segmentName, segmentPattern } from './segment-name.js';
import { syncDirectory } from './sync-directory.js';

/**
 * What opening found in a journal directory, for the journal to go on from.
 */
export interface RecoveredSegments {
  damage: JournalDamage[];
  /** Every segment kept, oldest first, with no record counted live yet. */
  liveCounts: Map<number, number>;
  /** Records read per segment kept. */
  writtenCounts: Map<number, number>;
  /** Segments with damage left in them: quarantined, not deleted, once settled. */
  damagedSegments: Set<number>;
  /** The number of the next segment to create. */
  nextSegment: number;
}

/**
 * The journal's open-time recovery, in place: a segment being pre-written when a process stopped
 * becomes the newest segment if it holds records (the rename that made it a segment may not have
 * reached the disk), and goes otherwise; every readable record is handed to `onRecord`, oldest
 * first, one segment in memory at a time (resynchronising after damage); a torn tail of the
 * newest segment is cut off, space written ahead and never used is given back, empty segments
 * go, and damaged segments are kept for `quarantine/`.
 */
export function recoverSegments({
  fsys,
  directory,
  segmentBytes,
  onRecord,
}: {
  fsys: JournalFileSystem;
  directory: string;
  segmentBytes: number;
  onRecord: (record: JournalRecord, location: RecordLocation) => void;
}): RecoveredSegments {
  const listSegments = () =>
    fsys
      .readdirSync(directory)
      .map((name) => segmentPattern.exec(name)?.[1])
      .filter((id): id is string => id !== undefined)
      .map(Number)
      .sort((left, right) => left - right);
  // Segments being pre-written when a process stopped. One that holds records was in use, and
  // the rename that made it a segment may not have reached the disk: it becomes the newest
  // segment. The others were never used and go.
  let adoptAs = (listSegments().at(-1) ?? 0) + 1;
  let adopted = false;
  const adoptedSegments = new Set<number>();
  for (const name of fsys.readdirSync(directory).filter((entry) => preparedPattern.test(entry))) {
    const file = path.join(directory, name);
    try {
      if (isUnwritten(fsys.readFileSync(file))) fsys.rmSync(file, { force: true });
      else {
        adoptedSegments.add(adoptAs);
        fsys.renameSync(file, path.join(directory, segmentName(adoptAs++)));
        adopted = true;
      }
    } catch {
      // Left where it is (nothing is deleted that may hold records); tried again next open.
    }
  }
  if (adopted) syncDirectory({ fsys, directory });
  const segmentIds = listSegments();

  const damage: JournalDamage[] = [];
  const liveCounts = new Map<number, number>();
  const writtenCounts = new Map<number, number>();
  const damagedSegments = new Set<number>();
  // Segment 1 is created only in a directory holding none, where sequence numbers start at 1:
  // damage at its very start is counted by the sequence gap too. After older segments went, the
  // number before the first one left is unknown.
  let previousSequence =
    segmentIds[0] === 1 && !adoptedSegments.has(1) ? 0 : (undefined as number | undefined);
  for (const segment of segmentIds) {
    const file = path.join(directory, segmentName(segment));
    const bytes = fsys.readFileSync(file);
    const isNewest = segment === segmentIds.at(-1);
    const decoded = decodeSegmentFile({ bytes, segmentBytes, newest: isNewest, previousSequence });
    previousSequence = decoded.highestSequence;
    if (decoded.records.length === 0 && decoded.damaged.length === 0) {
      // An empty segment (created, or pre-written with zeros, and never written): nothing to keep.
      try {
        fsys.rmSync(file, { force: true });
      } catch {}
      continue;
    }
    if (decoded.zeroTailFrom < bytes.length) {
      // Space written ahead and never used goes back (a failure to cut it only costs space).
      truncateTornTail({ fsys, file, length: decoded.zeroTailFrom });
    }
    for (const located of decoded.records) {
      onRecord(located.record, { segment, offset: located.offset, length: located.length });
    }
    liveCounts.set(segment, 0);
    writtenCounts.set(segment, decoded.records.length);
    for (const range of decoded.damaged) {
      let truncated = false;
      const torn = range.tail && isNewest && range.lostRecords === 1;
      if (torn) truncated = truncateTornTail({ fsys, file, length: range.start });
      if (!truncated) damagedSegments.add(segment);
      damage.push({ ...range, file, segment, truncated });
    }
  }
  return {
    damage,
    liveCounts,
    writtenCounts,
    damagedSegments,
    nextSegment: (segmentIds.at(-1) ?? 0) + 1,
  };
}

function truncateTornTail({
  fsys,
  file,
  length,
}: {
  fsys: JournalFileSystem;
  file: string;
  length: number;
}): boolean {
  // Cutting needs no free space; on a read-only file system the tail stays (and is skipped).
  try {
    const fd = fsys.openSync(file, 'r+');
    try {
      fsys.ftruncateSync(fd, length);
    } finally {
      fsys.closeSync(fd);
    }
    return true;
  } catch {
    return false;
  }
}
