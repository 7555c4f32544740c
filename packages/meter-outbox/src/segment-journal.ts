import * as path from 'node:path';
import { convertWriteError } from './convert-write-error.js';
import { createGroupCommit } from './create-group-commit.js';
import { createHeadroomGuard } from './create-headroom-guard.js';
import { createSegmentPreWriter } from './create-segment-pre-writer.js';
import { createSegmentReader } from './create-segment-reader.js';
import type { OutboxWriteError } from './errors.js';
import { type JournalFileSystem, nodeJournalFileSystem } from './journal-file-system.js';
import { type DamagedRange, encodeJournalRecord, type JournalRecord } from './journal-record.js';
import { recoverSegments } from './recover-segments.js';
import { segmentName } from './segment-name.js';
import { syncDirectory, syncDirectoryInBackground } from './sync-directory.js';

/**
 * When journal writes reach the disk. See the README's "Durability" section.
 * @see https://man7.org/linux/man-pages/man2/fsync.2.html
 */
export type JournalDurability = 'fsync-each' | 'group' | 'os';

/**
 * Where a record lies: its segment and byte range.
 */
export interface RecordLocation {
  segment: number;
  offset: number;
  length: number;
}

/**
 * A damaged stretch found while reading the journal on open (`tail`: a torn last write).
 */
export interface JournalDamage extends DamagedRange {
  file: string;
  segment: number;
  /** The torn tail of the newest segment was cut off in place. */
  truncated: boolean;
}

/**
 * Append-only segmented journal with per-segment live counts.
 */
export interface SegmentJournal {
  /** Damaged stretches found on open. */
  readonly damage: JournalDamage[];
  /** Appends one record (written in full or not at all); returns where it lies. */
  append(record: JournalRecord): RecordLocation;
  /** Appends an already encoded record (a copy moved forward by compaction). */
  appendBytes(bytes: Buffer): RecordLocation;
  /** Reads a record's bytes back. */
  readBytes(location: RecordLocation): Buffer;
  /** Throws `OutboxWriteError` (`disk-full`) while free space is below the reserve. */
  assertHeadroom(): void;
  /** Counts one more live record in `segment`. */
  retain(segment: number): void;
  /** Counts one less live record in `segment`; settled segments go, oldest first. */
  release(segment: number): void;
  /** Deletes (or quarantines) the settled segments at the head, oldest first. */
  deleteSettled(): void;
  /** Live records and records written, per segment, oldest first (compaction reads this). */
  segmentUsage(): Array<{ segment: number; live: number; written: number; active: boolean }>;
  /** fdatasync of pending writes (group commit). */
  sync(): Promise<void>;
  close(): Promise<void>;
  /** Segment files on disk, oldest first. */
  segments(): number[];
  /** Damaged segments moved to `quarantine/` so far. */
  quarantined(): string[];
}

/**
 * Opens (creating if needed) the segment journal in `directory` in place: reads every readable
 * record (resynchronising after damage), cuts a torn tail off the newest segment, and keeps
 * damaged segments for `quarantine/`. Needs no free space: appends go to a new segment created
 * on the first write. Writes go to the OS synchronously, in full or not at all; `durability`
 * decides when they are fsynced; `beforeMutation` (the lock's fencing check) runs before every
 * segment creation and deletion.
 *
 * Its parts: the open-time recovery (`recoverSegments`), the next segment pre-written in the
 * background (`createSegmentPreWriter`) and the group commit (`createGroupCommit`). Retired
 * segments are cut back to their last record.
 */
export function openSegmentJournal({
  directory,
  durability,
  fsyncIntervalMs,
  segmentBytes,
  reserveBytes,
  fileSystem = nodeJournalFileSystem,
  beforeMutation = () => {},
  now = () => new Date(),
  onRecord,
}: {
  /** Hears every readable record found on open, oldest first (one segment in memory at a time). */
  onRecord: (record: JournalRecord, location: RecordLocation) => void;
  directory: string;
  durability: JournalDurability;
  fsyncIntervalMs: number;
  segmentBytes: number;
  /** Free space under which new events are refused (acks and settlements still go). */
  reserveBytes: number;
  fileSystem?: JournalFileSystem;
  beforeMutation?: () => void;
  /** The clock of the pause between free-space checks while refusing. Default `() => new Date()`. */
  now?: () => Date;
}): SegmentJournal {
  const fsys = fileSystem;
  const { damage, liveCounts, writtenCounts, damagedSegments, ...recovered } = recoverSegments({
    fsys,
    directory,
    segmentBytes,
    onRecord,
  });
  const quarantinedFiles: string[] = [];

  let nextSegment = recovered.nextSegment;
  let activeSegment: number | undefined;
  let activeFd: number | undefined;
  let activeBytes = 0;
  // Bytes the active segment was pre-written to (0: created empty, grows as it is written).
  let activeCapacity = 0;
  let closed = false;
  let closing = false;
  // Reused for every record (see encodeJournalRecord).
  const scratch = { buffer: Buffer.allocUnsafe(64 * 1024) };
  const preWriter = createSegmentPreWriter({
    fsys,
    directory,
    segmentBytes,
    reserveBytes,
    beforeMutation,
    isClosing: () => closing,
    isUnwanted: () => closing || headroom.isRefusing(),
  });
  const groupCommit = createGroupCommit({
    fsys,
    durability,
    fsyncIntervalMs,
    activeFd: () => activeFd,
  });

  const headroom = createHeadroomGuard({
    fsys,
    directory,
    reserveBytes,
    now,
    // The space written ahead is given back while events are refused.
    onRefusing: () => preWriter.discard(),
  });
  const reader = createSegmentReader({
    fsys,
    directory,
    active: () => ({ segment: activeSegment, fd: activeFd }),
  });

  /**
   * Stops writing to the active segment: synced (in group mode when dirty, and in every durable
   * mode when `final`), cut back to its last record, and closed, in the background.
   */
  const retireActive = ({ final = false }: { final?: boolean } = {}) => {
    if (activeFd === undefined) return;
    const fd = activeFd;
    // Zeros written ahead past the last record are cut off before the file is closed.
    const trimTo = activeCapacity > activeBytes ? activeBytes : undefined;
    activeFd = undefined;
    activeSegment = undefined;
    activeCapacity = 0;
    groupCommit.retire({
      fd,
      final,
      finish: () => {
        if (trimTo !== undefined) {
          try {
            fsys.ftruncateSync(fd, trimTo);
          } catch {}
        }
        try {
          fsys.closeSync(fd);
        } catch {}
      },
    });
  };

  const openNewSegment = () => {
    beforeMutation();
    retireActive();
    headroom.check();
    const segment = nextSegment;
    const file = path.join(directory, segmentName(segment));
    activeFd = preWriter.take(file);
    activeCapacity = activeFd === undefined ? 0 : segmentBytes;
    if (activeFd === undefined) {
      try {
        activeFd = fsys.openSync(file, 'wx+');
        activeCapacity = 0;
      } catch (error) {
        throw convertWriteError({ error, directory, action: `creating ${segmentName(segment)}` });
      }
    }
    nextSegment += 1;
    activeSegment = segment;
    activeBytes = 0;
    liveCounts.set(segment, 0);
    writtenCounts.set(segment, 0);
    if (durability === 'fsync-each') syncDirectory({ fsys, directory });
    else if (durability === 'group') {
      // In the thread pool, like the group commit: a directory's fsync waits for the file
      // system's journal, which must not stall the event loop (and every enqueue) meanwhile.
      groupCommit.addBackground(syncDirectoryInBackground({ fsys, directory }));
    }
    // The one after this is pre-written while this one fills.
    setImmediate(preWriter.start);
  };

  const writeBytes = (bytes: Buffer): RecordLocation => {
    if (closed) throw new Error('Usage outbox journal is closed.');
    if (
      activeFd === undefined ||
      activeBytes >= segmentBytes ||
      // A record that would run past the zeros written ahead starts the next segment instead.
      (activeCapacity > 0 && activeBytes > 0 && activeBytes + bytes.length > activeCapacity)
    )
      openNewSegment();
    const fd = activeFd as number;
    const segment = activeSegment as number;
    const start = activeBytes;
    let written = 0;
    try {
      // write(2) may write fewer bytes than asked (a disk filling up): loop until all are down.
      while (written < bytes.length) {
        const count = fsys.writeSync(fd, bytes, written, bytes.length - written, start + written);
        if (count <= 0) {
          throw Object.assign(new Error(`write(2) wrote nothing at offset ${start + written}`), {
            code: 'EIO',
          });
        }
        written += count;
      }
      if (durability === 'fsync-each') fsys.fdatasyncSync(fd);
    } catch (error) {
      if (written > 0 || durability === 'fsync-each') {
        // Never leave a torn record: cut the segment back to the end of the last whole one. If
        // even that fails, the next write starts a fresh segment (the reader resynchronises).
        try {
          fsys.ftruncateSync(fd, start);
        } catch {
          activeBytes = segmentBytes;
        }
      }
      const converted = convertWriteError({
        error,
        directory,
        action: `appending to ${segmentName(segment)}`,
      });
      if ((error as NodeJS.ErrnoException).code === 'ENOSPC') {
        headroom.refuse(converted as OutboxWriteError);
      }
      throw converted;
    }
    activeBytes = start + written;
    writtenCounts.set(segment, (writtenCounts.get(segment) ?? 0) + 1);
    groupCommit.written();
    return { segment, offset: start, length: bytes.length };
  };

  const removeSegment = (segment: number) => {
    const file = path.join(directory, segmentName(segment));
    reader.close(segment);
    if (damagedSegments.has(segment)) {
      // Kept as evidence of the damage, with the byte ranges reported at open.
      const quarantine = path.join(directory, 'quarantine');
      fsys.mkdirSync(quarantine, { recursive: true });
      const target = path.join(quarantine, segmentName(segment));
      fsys.renameSync(file, target);
      quarantinedFiles.push(target);
      damagedSegments.delete(segment);
    } else fsys.rmSync(file, { force: true });
  };

  const deleteSettledSegments = () => {
    for (const [segment, count] of liveCounts) {
      if (segment === activeSegment || count > 0) return;
      try {
        beforeMutation();
        removeSegment(segment);
      } catch {
        return; // Lost the lock, or the file system refused: try again at the next release.
      }
      liveCounts.delete(segment);
      writtenCounts.delete(segment);
    }
  };

  const journal: SegmentJournal = {
    damage,
    append(record) {
      return writeBytes(encodeJournalRecord(record, scratch));
    },
    appendBytes(bytes) {
      return writeBytes(bytes);
    },
    readBytes(location) {
      return reader.read(location);
    },
    assertHeadroom() {
      headroom.assert();
    },
    retain(segment) {
      liveCounts.set(segment, (liveCounts.get(segment) ?? 0) + 1);
    },
    release(segment) {
      const count = (liveCounts.get(segment) ?? 0) - 1;
      if (count < 0 || !liveCounts.has(segment)) return;
      liveCounts.set(segment, count);
      if (count === 0 && !closed) {
        if (durability === 'group') {
          // The records that settled this segment's events (acks, copies moved forward) may
          // still be unsynced: delete the old segment only after they are durable, or a power
          // loss could lose both.
          journal.sync().then(
            () => {
              if (!closed) deleteSettledSegments();
            },
            () => {},
          );
        } else deleteSettledSegments();
      }
    },
    deleteSettled() {
      if (!closed) deleteSettledSegments();
    },
    segmentUsage() {
      return [...liveCounts].map(([segment, live]) => ({
        segment,
        live,
        written: writtenCounts.get(segment) ?? 0,
        active: segment === activeSegment,
      }));
    },
    sync() {
      return groupCommit.sync();
    },
    async close() {
      if (closed) return;
      closing = true;
      await groupCommit.quiesce();
      // Whatever a sync started meanwhile covered, this final one covers too.
      retireActive({ final: true });
      // No write from here on: there is no active segment, and none may be created.
      closed = true;
      await groupCommit.background();
      // Everything written is durable now: settled segments can go.
      deleteSettledSegments();
      reader.close();
      await preWriter.settled();
      preWriter.discard();
    },
    segments() {
      return [...liveCounts.keys()];
    },
    quarantined() {
      return [...quarantinedFiles];
    },
  };
  headroom.check();
  setImmediate(preWriter.start);
  return journal;
}
