import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import type { JournalFileSystem } from './journal-file-system.js';

/**
 * The journal's next segment, written with zeros (and synced) in the background while the
 * current one fills, then renamed into place at rotation: an append then overwrites pages the
 * kernel already holds instead of allocating new ones, which on a disk holding a large backlog
 * made each 20 KB `write` several times slower.
 */
export interface SegmentPreWriter {
  /** Starts pre-writing the next segment, unless one is under way, the journal is closing, space is short or the file system cannot. */
  start(): void;
  /**
   * Renames the pre-written segment, if one is ready, to `file` and returns its descriptor (open
   * for reading and writing); undefined when none is ready, or when the rename failed (the
   * file is then removed and the segment is created as if none had been prepared).
   */
  take(file: string): number | undefined;
  /** Removes a ready pre-written segment (space is short, or the journal closed). */
  discard(): void;
  /** Resolves once no pre-writing is under way. */
  settled(): Promise<void>;
}

/**
 * Creates the pre-writer of the journal in `directory`, with its own `.prepared` file name.
 * `beforeMutation` (the lock's fencing check) runs before the file is created or removed;
 * `isUnwanted` says, when pre-writing ends, that the file is not wanted now (closing, or
 * refusing events for lack of space).
 */
export function createSegmentPreWriter({
  fsys,
  directory,
  segmentBytes,
  reserveBytes,
  beforeMutation,
  isClosing,
  isUnwanted,
}: {
  fsys: JournalFileSystem;
  directory: string;
  segmentBytes: number;
  reserveBytes: number;
  beforeMutation: () => void;
  isClosing: () => boolean;
  isUnwanted: () => boolean;
}): SegmentPreWriter {
  // `ready` once it can be renamed into place.
  let prepared: { fd: number; ready: boolean; done: Promise<void> } | undefined;
  const preparedPath = path.join(
    directory,
    `segment-next-${randomBytes(4).toString('hex')}.prepared`,
  );

  const remove = (fd: number) => {
    try {
      fsys.closeSync(fd);
    } catch {}
    try {
      // Not this journal's directory any more: the next owner's open removes the file.
      beforeMutation();
      fsys.rmSync(preparedPath, { force: true });
    } catch {}
  };

  const discard = () => {
    const current = prepared;
    if (!current?.ready) return;
    prepared = undefined;
    remove(current.fd);
  };

  return {
    start() {
      if (prepared || isClosing() || !fsys.preallocate) return;
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
          if (isUnwanted()) discard();
        },
        () => {
          // A full disk, or no space for it: segments are created as needed, and the write that
          // cannot be made reports why.
          if (prepared === next) prepared = undefined;
        },
      );
      prepared = next;
    },
    take(file) {
      const ready = prepared?.ready ? prepared : undefined;
      if (!ready) return undefined;
      prepared = undefined;
      try {
        fsys.renameSync(preparedPath, file);
        return ready.fd;
      } catch {
        // Gone or unmovable: set it aside and create the segment as if none had been prepared.
        remove(ready.fd);
        return undefined;
      }
    },
    discard,
    async settled() {
      await prepared?.done;
    },
  };
}
