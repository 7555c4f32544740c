import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { convertWriteError } from './convert-write-error.js';
import { OutboxWriteError } from './errors.js';
import { type JournalFileSystem, nodeJournalFileSystem } from './journal-file-system.js';
import {
  type DamagedRange,
  decodeSegmentFile,
  encodeJournalRecord,
  isUnwritten,
  type JournalRecord,
} from './journal-record.js';

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

const segmentPattern = /^segment-(\d{12})\.log$/;
// Segments being pre-written, one name per opened journal; renamed to the next segment's name
// when needed.
const preparedPattern = /^segment-next-[0-9a-f]+\.prepared$/;
/**
 * The file name of segment number `segment`.
 */
export const segmentName = (segment: number) => `segment-${String(segment).padStart(12, '0')}.log`;

/**
 * Opens (creating if needed) the segment journal in `directory` in place: reads every readable
 * record (resynchronising after damage), cuts a torn tail off the newest segment, and keeps
 * damaged segments for `quarantine/`. Needs no free space: appends go to a new segment created
 * on the first write. Writes go to the OS synchronously, in full or not at all; `durability`
 * decides when they are fsynced; `beforeMutation` (the lock's fencing check) runs before every
 * segment creation and deletion.
 *
 * The next segment is pre-written with zeros (and synced) in the background while the current
 * one fills, then renamed into place at rotation: an append then overwrites pages the kernel
 * already holds instead of allocating new ones, which on a disk holding a large backlog made
 * each 20 KB `write` several times slower. Retired segments are cut back to their last record.
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
  if (adopted) syncDirectoryOf({ fsys, directory });
  const segmentIds = listSegments();

  const damage: JournalDamage[] = [];
  const liveCounts = new Map<number, number>();
  const writtenCounts = new Map<number, number>();
  const damagedSegments = new Set<number>();
  const quarantinedFiles: string[] = [];
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

  let nextSegment = (segmentIds.at(-1) ?? 0) + 1;
  let activeSegment: number | undefined;
  let activeFd: number | undefined;
  let activeBytes = 0;
  // Bytes the active segment was pre-written to (0: created empty, grows as it is written).
  let activeCapacity = 0;
  // The next segment, pre-written in the background; `ready` once it can be renamed into place.
  let prepared: { fd: number; ready: boolean; done: Promise<void> } | undefined;
  const preparedPath = path.join(
    directory,
    `segment-next-${randomBytes(4).toString('hex')}.prepared`,
  );
  let dirty = false;
  let closed = false;
  let closing = false;
  let syncTimer: NodeJS.Timeout | undefined;
  let syncInFlight: Promise<void> | undefined;
  let refusingUntil = 0;
  // Reused for every record (see encodeJournalRecord).
  const scratch = { buffer: Buffer.allocUnsafe(64 * 1024) };
  let refusal: OutboxWriteError | undefined;
  // One cached descriptor for reading records back from older segments (delivery, compaction).
  const readHandle: { segment: number | undefined; fd: number | undefined } = {
    segment: undefined,
    fd: undefined,
  };
  // Rotation must not stall enqueue: in group mode the old segment is fsynced and closed in the
  // background, and `sync()` waits for that too.
  let retiring: Promise<void> = Promise.resolve();

  const fdatasync = (fd: number) =>
    new Promise<void>((resolve, reject) =>
      fsys.fdatasync(fd, (error) => (error ? reject(error) : resolve())),
    );

  const checkHeadroom = () => {
    let free: number;
    try {
      const stats = fsys.statfsSync(directory);
      free = stats.bavail * stats.bsize;
    } catch {
      return; // No statfs here: rely on write errors alone.
    }
    if (free < reserveBytes) {
      refusal = new OutboxWriteError(
        'disk-full',
        directory,
        `Usage outbox refuses new events: the file system holding ${directory} has ${free} bytes free, below the ${reserveBytes}-byte reserve the outbox keeps so that no write is ever torn. Free space there; events already journaled are kept and still delivered. Nothing of this event was recorded.`,
      );
      refusingUntil = now().getTime() + 1000;
      // The space written ahead is given back while events are refused.
      discardPrepared();
    } else refusal = undefined;
  };

  const closeReadHandle = (segment?: number) => {
    if (readHandle.fd === undefined) return;
    if (segment !== undefined && readHandle.segment !== segment) return;
    try {
      fsys.closeSync(readHandle.fd);
    } catch {}
    Object.assign(readHandle, { segment: undefined, fd: undefined });
  };

  /**
   * Stops writing to the active segment: synced (in group mode when dirty, and in every durable
   * mode when `final`), cut back to its last record, and closed, in the background.
   */
  const retireActive = ({ final = false }: { final?: boolean } = {}) => {
    if (activeFd === undefined) return;
    const fd = activeFd;
    // Zeros written ahead past the last record are cut off before the file is closed.
    const trimTo = activeCapacity > activeBytes ? activeBytes : undefined;
    const needsSync = durability === 'group' ? dirty || final : final && durability !== 'os';
    activeFd = undefined;
    activeSegment = undefined;
    activeCapacity = 0;
    if (needsSync) dirty = false;
    // A group commit may still be syncing this fd: it is closed only after that (an fd closed
    // under it could be reused by the next file, and the sync would report data it never wrote).
    const inFlight = syncInFlight ?? Promise.resolve();
    const retired = inFlight
      .catch(() => {})
      .then(() => (needsSync ? fdatasync(fd).catch(() => {}) : undefined))
      .finally(() => {
        if (trimTo !== undefined) {
          try {
            fsys.ftruncateSync(fd, trimTo);
          } catch {}
        }
        try {
          fsys.closeSync(fd);
        } catch {}
      });
    retiring = Promise.all([retiring, retired]).then(() => {});
  };

  /** Starts pre-writing the next segment, unless one is under way or space is short. */
  const prepareNext = () => {
    if (prepared || closing || !fsys.preallocate) return;
    try {
      const stats = fsys.statfsSync(directory);
      if (stats.bavail * stats.bsize < reserveBytes + 2 * segmentBytes) return;
      beforeMutation();
    } catch {
      return; // No statfs, or the lock is gone: segments are created as they are needed.
    }
    const next: { fd: number; ready: boolean; done: Promise<void> } = {
      fd: -1,
      ready: false,
      done: Promise.resolve(),
    };
    next.done = fsys.preallocate(preparedPath, segmentBytes).then(
      (fd) => {
        next.fd = fd;
        next.ready = true;
        // Closed, or refusing for lack of space, meanwhile: the file is not wanted now.
        if (closing || refusal) discardPrepared();
      },
      () => {
        // A full disk, or no space for it: segments are created as needed, and the write that
        // cannot be made reports why.
        if (prepared === next) prepared = undefined;
      },
    );
    prepared = next;
  };

  const discardPrepared = () => {
    const current = prepared;
    if (!current?.ready) return;
    prepared = undefined;
    removePrepared(current.fd);
  };

  const removePrepared = (fd: number) => {
    try {
      fsys.closeSync(fd);
    } catch {}
    try {
      // Not this journal's directory any more: the next owner's open removes the file.
      beforeMutation();
      fsys.rmSync(preparedPath, { force: true });
    } catch {}
  };

  const syncDirectory = () => syncDirectoryOf({ fsys, directory });

  const openNewSegment = () => {
    beforeMutation();
    retireActive();
    checkHeadroom();
    const segment = nextSegment;
    const file = path.join(directory, segmentName(segment));
    const ready = prepared?.ready ? prepared : undefined;
    activeFd = undefined;
    if (ready) {
      prepared = undefined;
      try {
        fsys.renameSync(preparedPath, file);
        activeFd = ready.fd;
        activeCapacity = segmentBytes;
      } catch {
        // Gone or unmovable: set it aside and create the segment as if none had been prepared.
        removePrepared(ready.fd);
      }
    }
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
    if (durability === 'fsync-each') syncDirectory();
    else if (durability === 'group') {
      // In the thread pool, like the group commit: a directory's fsync waits for the file
      // system's journal, which must not stall the event loop (and every enqueue) meanwhile.
      retiring = Promise.all([retiring, syncDirectoryInBackground({ fsys, directory })]).then(
        () => {},
      );
    }
    // The one after this is pre-written while this one fills.
    setImmediate(prepareNext);
  };

  const scheduleGroupCommit = () => {
    dirty = true;
    if (syncTimer !== undefined) return;
    syncTimer = setTimeout(() => {
      syncTimer = undefined;
      journal.sync().catch(() => {});
    }, fsyncIntervalMs);
    syncTimer.unref();
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
      if ((error as NodeJS.ErrnoException).code === 'ENOSPC') {
        refusal = convertWriteError({
          error,
          directory,
          action: `appending to ${segmentName(segment)}`,
        }) as OutboxWriteError;
        refusingUntil = now().getTime() + 1000;
      }
      throw convertWriteError({
        error,
        directory,
        action: `appending to ${segmentName(segment)}`,
      });
    }
    activeBytes = start + written;
    writtenCounts.set(segment, (writtenCounts.get(segment) ?? 0) + 1);
    if (durability === 'group') scheduleGroupCommit();
    return { segment, offset: start, length: bytes.length };
  };

  const removeSegment = (segment: number) => {
    const file = path.join(directory, segmentName(segment));
    closeReadHandle(segment);
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
    readBytes({ segment, offset, length }) {
      let fd: number;
      if (segment === activeSegment && activeFd !== undefined) fd = activeFd;
      else if (readHandle.segment === segment && readHandle.fd !== undefined) fd = readHandle.fd;
      else {
        closeReadHandle();
        fd = fsys.openSync(path.join(directory, segmentName(segment)), 'r');
        Object.assign(readHandle, { segment, fd });
      }
      const bytes = Buffer.allocUnsafe(length);
      let read = 0;
      while (read < length) {
        const count = fsys.readSync(fd, bytes, read, length - read, offset + read);
        if (count <= 0)
          throw new Error(`${segmentName(segment)} ends before byte ${offset + length}`);
        read += count;
      }
      return bytes;
    },
    assertHeadroom() {
      if (refusal === undefined) return;
      if (now().getTime() >= refusingUntil) checkHeadroom();
      if (refusal) throw refusal;
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
    async sync() {
      await retiring;
      if (syncInFlight) return syncInFlight.then(() => journal.sync());
      if (!dirty || activeFd === undefined) return Promise.resolve();
      dirty = false;
      // A rotation meanwhile waits for this before closing the fd, so an error here is real.
      syncInFlight = fdatasync(activeFd).finally(() => {
        syncInFlight = undefined;
      });
      return syncInFlight;
    },
    async close() {
      if (closed) return;
      closing = true;
      if (syncTimer) clearTimeout(syncTimer);
      // Until nothing is in flight: a sync or a rotation may start while this waits.
      for (;;) {
        const inFlight = syncInFlight;
        const retired = retiring;
        await inFlight?.catch(() => {});
        await retired;
        if (syncInFlight === undefined && retiring === retired) break;
      }
      // Whatever a sync started meanwhile covered, this final one covers too.
      retireActive({ final: true });
      // No write from here on: there is no active segment, and none may be created.
      closed = true;
      await retiring;
      // Everything written is durable now: settled segments can go.
      deleteSettledSegments();
      closeReadHandle();
      await prepared?.done;
      discardPrepared();
    },
    segments() {
      return [...liveCounts.keys()];
    },
    quarantined() {
      return [...quarantinedFiles];
    },
  };
  checkHeadroom();
  setImmediate(prepareNext);
  return journal;
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

/** `syncDirectoryOf` with the fsync itself off the calling thread; never rejects. */
function syncDirectoryInBackground({
  fsys,
  directory,
}: {
  fsys: JournalFileSystem;
  directory: string;
}): Promise<void> {
  let fd: number;
  try {
    fd = fsys.openSync(directory, 'r');
  } catch {
    return Promise.resolve();
  }
  return new Promise<void>((resolve) =>
    fsys.fdatasync(fd, () => {
      try {
        fsys.closeSync(fd);
      } catch {}
      resolve();
    }),
  );
}

/** fsync of a directory, so renames in it survive power loss; not supported everywhere. */
function syncDirectoryOf({ fsys, directory }: { fsys: JournalFileSystem; directory: string }) {
  try {
    const fd = fsys.openSync(directory, 'r');
    try {
      fsys.fdatasyncSync(fd);
    } finally {
      fsys.closeSync(fd);
    }
  } catch {}
}
