import type { RecordLocation, SegmentJournal } from './segment-journal.js';
import type { OutboxEntry } from './usage-outbox-types.js';

/**
 * The live entries of each journal segment: what compaction copies forward, and the counts that
 * let the journal delete a segment once nothing in it is owed.
 */
export interface OutboxIndex {
  /** Indexes an entry whose record the journal already counts (recovered on open). */
  add(entry: OutboxEntry): void;
  /** Indexes an entry and counts its record live in the journal. */
  track(entry: OutboxEntry): void;
  /** Forgets the entry's record at `location` (default: where it lies now). */
  untrack(entry: OutboxEntry, location?: RecordLocation | undefined): void;
  /** The entries whose live record lies in `segment`, as a copy. */
  liveIn(segment: number): OutboxEntry[];
}

/**
 * Creates the index of live entries per segment over `journal` (none in memory mode, where
 * every call does nothing).
 */
export function createOutboxIndex({
  journal,
}: {
  journal: SegmentJournal | undefined;
}): OutboxIndex {
  const bySegment = new Map<number, Set<OutboxEntry>>();
  const add = (entry: OutboxEntry) => {
    if (!entry.location) return;
    const set = bySegment.get(entry.location.segment) ?? new Set<OutboxEntry>();
    bySegment.set(entry.location.segment, set);
    set.add(entry);
  };
  return {
    add,
    track(entry) {
      if (!entry.location) return;
      add(entry);
      journal?.retain(entry.location.segment);
    },
    untrack(entry, location = entry.location) {
      if (!location) return;
      const set = bySegment.get(location.segment);
      set?.delete(entry);
      if (set?.size === 0) bySegment.delete(location.segment);
      journal?.release(location.segment);
    },
    liveIn(segment) {
      return [...(bySegment.get(segment) ?? [])];
    },
  };
}
