import * as fs from 'node:fs';
import { acquireDirectoryLock, type DirectoryLock } from './acquire-directory-lock.js';
import type { WarningNotice } from './outbox-emitter.js';
import { replayJournal } from './replay-journal.js';
import {
  type JournalDurability,
  openSegmentJournal,
  type SegmentJournal,
} from './segment-journal.js';
import type { OutboxEntry } from './usage-outbox-types.js';

/**
 * A locked, recovered journal directory, ready for appends.
 * @see https://man7.org/linux/man-pages/man2/fsync.2.html
 */
export interface OpenedJournalDirectory {
  lock: DirectoryLock;
  journal: SegmentJournal;
  /** Events still owed (crashed streams included), by ascending sequence, already retained. */
  recovered: OutboxEntry[];
  nextSequence: number;
  /** Torn tails, crashed streams, stale lock: to log once listeners can hear them. */
  warnings: WarningNotice[];
}

/**
 * Locks `directory`, reads its journal and folds it into what is still owed: unacknowledged
 * events, and streams never closed turned into `crashed` estimates. That live set is rewritten to
 * a fresh fsynced segment and the old segments (with any corrupt tail) are deleted.
 * @see https://man7.org/linux/man-pages/man2/fsync.2.html
 */
export function openJournalDirectory({
  directory,
  durability,
  fsyncIntervalMs,
  segmentBytes,
}: {
  directory: string;
  durability: JournalDurability;
  fsyncIntervalMs: number;
  segmentBytes: number;
}): OpenedJournalDirectory {
  const warnings: WarningNotice[] = [];
  fs.mkdirSync(directory, { recursive: true });
  const lock = acquireDirectoryLock({
    directory,
    onStaleLock: ({ path: lockPath, ownerPid, reason }) =>
      warnings.push({
        message: `Took over a stale outbox lock left by process ${ownerPid}: ${reason}.`,
        details: { lockPath, ownerPid, reason },
      }),
  });
  let journal: SegmentJournal | undefined;
  try {
    journal = openSegmentJournal({ directory, durability, fsyncIntervalMs, segmentBytes });
    for (const corruption of journal.corruptions) {
      warnings.push({
        message: `Journal ${corruption.file} has a torn or corrupt tail (${corruption.reason}) at byte ${corruption.offset}; recovered every whole record before it and discarded ${corruption.discardedBytes} bytes. Expected after a crash or power loss mid-write.`,
        details: { ...corruption },
      });
    }
    const replayed = replayJournal(journal.recoveredRecords);
    // A stream's journaled event is the caller's own "deliver this if I die" event: sent as is.
    const crashed = replayed.openStreams;
    if (crashed.length > 0) {
      warnings.push({
        message: `${crashed.length} stream(s) were still open when the previous process stopped; delivering the crash event each one journaled.`,
        details: { ids: crashed.map((stream) => stream.event.id) },
      });
    }
    const live = [...replayed.events, ...crashed].sort(
      (left, right) => left.sequence - right.sequence,
    );
    const segment = journal.rewriteAll(
      live.map((entry) => ({ k: 'event', s: entry.sequence, t: entry.enqueuedAt, e: entry.event })),
    );
    for (const _entry of live) journal.retain(segment);
    return {
      lock,
      journal,
      recovered: live.map((entry) => ({ ...entry, segment })),
      nextSequence: replayed.nextSequence,
      warnings,
    };
  } catch (error) {
    void journal?.close().catch(() => {});
    lock.release();
    throw error;
  }
}
