import type { DirectoryLock } from './acquire-directory-lock.js';
import { checkSerializable } from './check-serializable.js';
import type { JournalRecord } from './journal-record.js';
import type { WarningNotice } from './outbox-emitter.js';
import type { RecordLocation, SegmentJournal } from './segment-journal.js';

/**
 * How the outbox puts records into its journal.
 */
export interface OutboxWriter {
  /**
   * Journals a record that something is owed by (fenced by the lock, refused below the free-space
   * reserve); returns where it lies, or undefined in memory mode, where it only checks that the
   * event could be sent. Throws `InvalidUsageEventError` for what JSON cannot hold.
   */
  write(record: JournalRecord): RecordLocation | undefined;
  /**
   * Journals a record that settles something (an ack, an abandon), best effort: if it cannot be
   * written (full disk, lost lock), the events were still delivered; a restart sends them again
   * and OpenMeter's dedup drops them. Says so at most once a minute.
   */
  writeSettlement(record: JournalRecord): void;
}

/**
 * Creates the outbox's writer over `journal` (undefined: memory mode). `onNewSegment` hears when
 * a write went to a segment other than the last one (compaction may then have work).
 */
export function createOutboxWriter({
  journal,
  lock,
  now,
  warn,
  onNewSegment,
}: {
  journal: SegmentJournal | undefined;
  lock: DirectoryLock | undefined;
  /** Milliseconds since the epoch, for the once-a-minute settlement warning. */
  now: () => number;
  warn: (notice: WarningNotice) => void;
  onNewSegment: () => void;
}): OutboxWriter {
  let lastSegment = -1;
  let lastSettlementFailureAt = Number.NEGATIVE_INFINITY;
  return {
    write(record) {
      if (!journal) {
        // Memory mode: still refuse what could never be sent (BigInt, cycles) up front.
        if ('e' in record) checkSerializable(() => JSON.stringify(record.e));
        return undefined;
      }
      // Fencing: never write into files a new owner of the directory may delete.
      lock?.assertHeld();
      journal.assertHeadroom();
      const location = checkSerializable(() => journal.append(record));
      if (location.segment !== lastSegment) {
        lastSegment = location.segment;
        onNewSegment();
      }
      return location;
    },
    writeSettlement(record) {
      if (!journal) return;
      try {
        lock?.assertHeld();
        journal.append(record);
      } catch (error) {
        if (now() - lastSettlementFailureAt > 60_000) {
          lastSettlementFailureAt = now();
          warn({
            message: `Could not journal a settlement (${(error as Error).message}); delivery goes on, and after a restart OpenMeter's dedup drops the events sent again.`,
            details: { error },
          });
        }
      }
    },
  };
}
