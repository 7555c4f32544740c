import type { DirectoryLock } from './acquire-directory-lock.js';
import type { OutboxIndex } from './create-outbox-index.js';
import type { RecordLocation, SegmentJournal } from './segment-journal.js';

// Compaction copies at most this much per turn of the event loop, never inside `enqueue`.
const compactionSliceBytes = 1024 * 1024;

/**
 * Compaction, off the hot path: when the oldest segment is mostly settled (a stuck event or a
 * long stream pins it), its few live records are copied forward a slice per turn of the event
 * loop, so the file can go. A dense oldest segment (a backlog) is left alone: copying it would
 * free nothing. `schedule()` does nothing in memory mode (no journal) or once stopped.
 */
export function createOutboxCompactor({
  journal,
  lock,
  index,
  isStopped,
}: {
  journal: SegmentJournal | undefined;
  lock: DirectoryLock | undefined;
  index: OutboxIndex;
  isStopped: () => boolean;
}): { schedule(): void } {
  let scheduled = false;
  const schedule = () => {
    if (scheduled || !journal || isStopped()) return;
    scheduled = true;
    setImmediate(step).unref();
  };
  const step = () => {
    scheduled = false;
    if (!journal || isStopped()) return;
    const [head] = journal.segmentUsage();
    if (!head || head.active || head.live === 0 || head.live * 8 > head.written) return;
    let budget = compactionSliceBytes;
    for (const entry of index.liveIn(head.segment)) {
      if (budget <= 0) break;
      const previous = entry.location as RecordLocation;
      try {
        lock?.assertHeld();
        const bytes = journal.readBytes(previous);
        entry.location = journal.appendBytes(bytes);
      } catch {
        return; // Full disk or lost lock: the next rotation tries again.
      }
      index.track(entry);
      index.untrack(entry, previous);
      budget -= previous.length;
    }
    schedule();
  };
  return { schedule };
}
