import { acquireDirectoryLock, type DirectoryLock } from './acquire-directory-lock.js';
import { convertWriteError } from './convert-write-error.js';
import { formatCount } from './format-count.js';
import { type JournalFileSystem, nodeJournalFileSystem } from './journal-file-system.js';
import type { WarningNotice } from './outbox-emitter.js';
import { createJournalReplay, type ReplayedEntry } from './replay-journal.js';
import {
  type JournalDamage,
  type JournalDurability,
  openSegmentJournal,
  type SegmentJournal,
} from './segment-journal.js';

/**
 * A locked, recovered journal directory, ready for appends.
 */
export interface OpenedJournalDirectory {
  lock: DirectoryLock;
  journal: SegmentJournal;
  /** Events still owed (crash events of open streams included), by ascending sequence, retained. */
  recovered: ReplayedEntry[];
  /** The sequences among `recovered` that are crash events of streams never closed. */
  crashedStreams: ReadonlySet<number>;
  nextSequence: number;
  /** Torn tails, damage, crash events, stale lock: logged before the outbox is returned. */
  warnings: WarningNotice[];
  damage: JournalDamage[];
}

/**
 * Locks `directory` and recovers its journal in place (no copy, so a full disk still opens):
 * unacknowledged events and the crash events of streams never closed are owed again, a torn
 * tail is cut off, damaged stretches are skipped and reported with their byte ranges and the
 * records they held.
 */
export function openJournalDirectory({
  directory,
  durability,
  fsyncIntervalMs,
  segmentBytes,
  reserveBytes,
  fileSystem,
  now,
  onLockRecreated,
}: {
  directory: string;
  durability: JournalDurability;
  fsyncIntervalMs: number;
  segmentBytes: number;
  reserveBytes: number;
  fileSystem?: JournalFileSystem | undefined;
  /** The clock of the lock's heartbeat and of the journal's refusal pauses. */
  now: () => Date;
  onLockRecreated: (input: { path: string }) => void;
}): OpenedJournalDirectory {
  const warnings: WarningNotice[] = [];
  try {
    (fileSystem ?? nodeJournalFileSystem).mkdirSync(directory, { recursive: true });
  } catch (error) {
    throw convertWriteError({
      error,
      directory,
      action: 'creating the journal directory',
      consequence: 'The outbox was not opened.',
    });
  }
  const lock = acquireDirectoryLock({
    directory,
    now,
    onLockRecreated,
    onStaleLock: ({ path: lockPath, ownerPid, reason }) =>
      warnings.push({
        message: `Took over a stale outbox lock left by process ${ownerPid}: ${reason}.`,
        details: { lockPath, ownerPid, reason },
      }),
  });
  let journal: SegmentJournal | undefined;
  try {
    const replay = createJournalReplay();
    journal = openSegmentJournal({
      directory,
      durability,
      fsyncIntervalMs,
      segmentBytes,
      reserveBytes,
      fileSystem,
      now,
      beforeMutation: lock.assertHeld,
      onRecord: replay.add,
    });
    for (const damage of journal.damage) {
      const range = { file: damage.file, start: damage.start, end: damage.end };
      warnings.push(
        damage.truncated
          ? {
              message: `Journal ${damage.file} ended in a torn record at byte ${damage.start} (${damage.reason}); cut it off (${damage.end - damage.start} bytes, 1 record). A process crash tears only a record whose enqueue never returned; a power loss may also tear one written in the last fsync interval (see Durability).`,
              details: { ...range, lostRecords: damage.lostRecords, reason: damage.reason },
            }
          : {
              message: `Journal ${damage.file} is damaged at bytes ${damage.start}-${damage.end} (${damage.reason}): up to ${formatCount({ count: damage.lostRecords, noun: 'record' })} there ${damage.lostRecords === 1 ? 'is' : 'are'} unreadable and lost (bit rot or a failing disk, not a crash). Every readable record before and after was recovered; the file moves to quarantine/ once those are delivered.`,
              details: { ...range, lostRecords: damage.lostRecords, reason: damage.reason },
            },
      );
    }
    const replayed = replay.result();
    // A stream's journaled event is the caller's own "deliver this if I die" event: sent as is.
    const crashed = replayed.openStreams;
    if (crashed.length > 0) {
      warnings.push({
        message: `${formatCount({ count: crashed.length, noun: 'stream' })} ${crashed.length === 1 ? 'was' : 'were'} still open when the previous process stopped; delivering the crash event ${crashed.length === 1 ? 'it' : 'each one'} journaled.`,
        details: { ids: crashed.map((stream) => stream.id) },
      });
    }
    const live = [...replayed.events, ...crashed].sort(
      (left, right) => left.sequence - right.sequence,
    );
    for (const entry of live) if (entry.location) journal.retain(entry.location.segment);
    // Segments holding nothing owed any more (all acknowledged) go now.
    journal.deleteSettled();
    return {
      lock,
      journal,
      recovered: live,
      crashedStreams: new Set(crashed.map((stream) => stream.sequence)),
      nextSequence: replayed.nextSequence,
      warnings,
      damage: journal.damage,
    };
  } catch (error) {
    void journal?.close().catch(() => {});
    lock.release();
    throw error;
  }
}
