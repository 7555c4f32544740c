import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeJournalSegment, encodeJournalRecord, type JournalRecord } from './journal-record.js';

/**
 * When journal writes reach the disk. See the README's "Durability" section.
 * @see https://man7.org/linux/man-pages/man2/fsync.2.html
 */
export type JournalDurability = 'fsync-each' | 'group' | 'os';

/**
 * A torn or corrupt stretch found while reading the journal.
 * @see https://man7.org/linux/man-pages/man2/fsync.2.html
 */
export interface JournalCorruption {
  file: string;
  offset: number;
  discardedBytes: number;
  reason: string;
}

/**
 * Re-appends the live records of `segment` through `rewrite` (copy-forward before deletion).
 * @see https://man7.org/linux/man-pages/man2/fsync.2.html
 */
export type SegmentRelocator = (input: {
  segment: number;
  rewrite: (record: JournalRecord) => number;
}) => void;

/**
 * Append-only segmented journal with per-segment live counts.
 * @see https://man7.org/linux/man-pages/man2/fsync.2.html
 */
export interface SegmentJournal {
  /** Whole records found on open, oldest first. */
  readonly recoveredRecords: JournalRecord[];
  /** Torn/corrupt tails found on open. */
  readonly corruptions: JournalCorruption[];
  /** Writes `records` to a fresh segment, makes it durable and deletes all older segments. */
  rewriteAll(records: JournalRecord[]): number;
  /** Appends one record (to the OS at once); returns its segment. */
  append(record: JournalRecord): number;
  /** Counts one more live record in `segment`. */
  retain(segment: number): void;
  /** Counts one less live record in `segment`; deletes fully settled segments, oldest first. */
  release(segment: number): void;
  /** fdatasync of pending writes (group commit). */
  sync(): Promise<void>;
  close(): Promise<void>;
  setRelocator(relocator: SegmentRelocator): void;
  /** Segment files on disk, oldest first (for tests and stats). */
  segments(): number[];
}

const segmentPattern = /^segment-(\d{12})\.log$/;
const segmentName = (segment: number) => `segment-${String(segment).padStart(12, '0')}.log`;

const fdatasync = (fd: number) =>
  new Promise<void>((resolve, reject) =>
    fs.fdatasync(fd, (error) => (error ? reject(error) : resolve())),
  );

function syncDirectory(directory: string): void {
  // Makes new/removed file names survive power loss; not supported on every platform.
  try {
    const fd = fs.openSync(directory, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {}
}

/**
 * Opens (creating if needed) the segment journal in `directory`, reading every whole record and
 * reporting torn/corrupt tails instead of failing. Writes go to the OS synchronously; `durability`
 * decides when they are fsynced.
 * @see https://man7.org/linux/man-pages/man2/fsync.2.html
 */
export function openSegmentJournal({
  directory,
  durability,
  fsyncIntervalMs,
  segmentBytes,
  relocateMaxRecords = 1024,
}: {
  directory: string;
  durability: JournalDurability;
  fsyncIntervalMs: number;
  segmentBytes: number;
  relocateMaxRecords?: number;
}): SegmentJournal {
  fs.mkdirSync(directory, { recursive: true });
  const segmentIds = fs
    .readdirSync(directory)
    .map((name) => segmentPattern.exec(name)?.[1])
    .filter((id): id is string => id !== undefined)
    .map(Number)
    .sort((left, right) => left - right);

  const recoveredRecords: JournalRecord[] = [];
  const corruptions: JournalCorruption[] = [];
  for (const segment of segmentIds) {
    const file = path.join(directory, segmentName(segment));
    const bytes = fs.readFileSync(file);
    const decoded = decodeJournalSegment(bytes);
    for (const record of decoded.records) recoveredRecords.push(record);
    if (decoded.corruption) {
      corruptions.push({
        file,
        offset: decoded.corruption.offset,
        discardedBytes: bytes.length - decoded.validBytes,
        reason: decoded.corruption.reason,
      });
    }
  }

  const liveCounts = new Map<number, number>(segmentIds.map((segment) => [segment, 0]));
  let activeSegment = segmentIds.at(-1) ?? 0;
  let activeFd: number | undefined;
  let activeBytes = 0;
  // fd numbers are reused after close, so an async fsync is matched to its file by generation.
  let activeGeneration = 0;
  let dirty = false;
  let closed = false;
  let relocator: SegmentRelocator | undefined;
  let syncTimer: NodeJS.Timeout | undefined;
  let syncInFlight: Promise<void> | undefined;

  // Rotation must not stall enqueue: in group mode the old segment is fsynced and closed in the
  // background, and `sync()` waits for that too.
  let retiring: Promise<void> = Promise.resolve();

  const openNewSegment = ({ background }: { background: boolean }) => {
    activeSegment += 1;
    activeFd = fs.openSync(path.join(directory, segmentName(activeSegment)), 'wx');
    activeBytes = 0;
    activeGeneration += 1;
    liveCounts.set(activeSegment, 0);
    if (!background || durability === 'fsync-each') syncDirectory(directory);
    else if (durability === 'group') {
      retiring = Promise.all([
        retiring,
        new Promise<void>((resolve) => setImmediate(resolve)),
      ]).then(() => syncDirectory(directory));
    }
  };

  const retireActive = () => {
    if (activeFd === undefined) return;
    const fd = activeFd;
    activeFd = undefined;
    if (durability !== 'group' || !dirty) {
      fs.closeSync(fd);
      return;
    }
    dirty = false;
    retiring = Promise.all([
      retiring,
      fdatasync(fd)
        .catch(() => {})
        .finally(() => fs.closeSync(fd)),
    ]).then(() => {});
  };

  const closeActive = () => {
    if (activeFd === undefined) return;
    if (durability !== 'os') fs.fdatasyncSync(activeFd);
    fs.closeSync(activeFd);
    activeFd = undefined;
    dirty = false;
  };

  const deleteSettledSegments = () => {
    for (const [segment, count] of liveCounts) {
      if (segment === activeSegment) return;
      if (count > 0) return;
      fs.rmSync(path.join(directory, segmentName(segment)), { force: true });
      liveCounts.delete(segment);
    }
  };

  const write = (record: JournalRecord): number => {
    if (closed || activeFd === undefined) throw new Error('Usage outbox journal is closed.');
    const bytes = encodeJournalRecord(record);
    fs.writeSync(activeFd, bytes);
    activeBytes += bytes.length;
    if (durability === 'fsync-each') fs.fdatasyncSync(activeFd);
    else if (durability === 'group') {
      dirty = true;
      if (syncTimer === undefined) {
        syncTimer = setTimeout(() => {
          syncTimer = undefined;
          journal.sync().catch(() => {});
        }, fsyncIntervalMs);
        syncTimer.unref();
      }
    }
    return activeSegment;
  };

  const rotate = () => {
    retireActive();
    openNewSegment({ background: true });
    let relocated = 0;
    // A long-lived record (an open stream, a stuck event) would otherwise pin every later segment:
    // copy the few live records of the oldest segments forward so those files can go.
    for (const [segment, count] of liveCounts) {
      if (segment === activeSegment || relocator === undefined) break;
      if (count > relocateMaxRecords) break;
      if (count > 0) {
        relocator({
          segment,
          rewrite: (record) => {
            relocated += 1;
            const target = write(record);
            liveCounts.set(target, (liveCounts.get(target) ?? 0) + 1);
            return target;
          },
        });
        liveCounts.set(segment, 0);
      }
    }
    // Copies must be on disk before the segment holding the originals goes.
    if (relocated > 0 && activeFd !== undefined && durability !== 'os') fs.fdatasyncSync(activeFd);
    deleteSettledSegments();
  };

  const journal: SegmentJournal = {
    recoveredRecords,
    corruptions,
    rewriteAll(records) {
      closeActive();
      const previous = [...liveCounts.keys()];
      openNewSegment({ background: false });
      for (const record of records) {
        write(record);
      }
      if (activeFd !== undefined) fs.fdatasyncSync(activeFd);
      dirty = false;
      for (const segment of previous) {
        fs.rmSync(path.join(directory, segmentName(segment)), { force: true });
        liveCounts.delete(segment);
      }
      syncDirectory(directory);
      return activeSegment;
    },
    append(record) {
      if (activeBytes >= segmentBytes) rotate();
      return write(record);
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
          // The records that settled this segment's events (acks, copies of open streams) may
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
    async sync() {
      await retiring;
      if (syncInFlight) return syncInFlight.then(() => journal.sync());
      if (!dirty || activeFd === undefined) return Promise.resolve();
      dirty = false;
      const generation = activeGeneration;
      // Rotation closes (after syncing) the fd this may still target: that is not a failure.
      syncInFlight = fdatasync(activeFd)
        .catch((error: unknown) => {
          if (generation === activeGeneration && activeFd !== undefined) throw error;
        })
        .finally(() => {
          syncInFlight = undefined;
        });
      return syncInFlight;
    },
    async close() {
      if (closed) return;
      if (syncTimer) clearTimeout(syncTimer);
      await syncInFlight?.catch(() => {});
      await retiring;
      closeActive();
      closed = true;
    },
    setRelocator(next) {
      relocator = next;
    },
    segments() {
      return [...liveCounts.keys()];
    },
  };
  return journal;
}
