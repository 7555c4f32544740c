import type { JournalRecord } from './journal-record.js';
import type { RecordLocation } from './segment-journal.js';

/**
 * An event or stream crash event found unsettled in the journal: where its record lies (the
 * event itself is read back from there when sent, so a large backlog is not held in memory).
 */
export interface ReplayedEntry {
  sequence: number;
  enqueuedAt: number;
  id: string;
  location: RecordLocation | undefined;
}

/**
 * What the journal says is still owed.
 */
export interface ReplayedJournal {
  /** Unacknowledged events, by ascending sequence. */
  events: ReplayedEntry[];
  /** Streams opened and never completed nor abandoned, by ascending sequence. */
  openStreams: ReplayedEntry[];
  nextSequence: number;
}

/** The entry a record carrying an event leaves owed under `sequence`. */
const entryOf = ({
  sequence,
  record,
  location,
}: {
  sequence: number;
  record: { t: number; e: { id: string } };
  location: RecordLocation | undefined;
}): ReplayedEntry => ({ sequence, enqueuedAt: record.t, id: record.e.id, location });

/**
 * Folds journal records, fed oldest first with `add`, into the set of events still owed, keeping
 * only sequences and locations. Acknowledgements are sticky, so a record copied forward never
 * revives a settled sequence.
 */
export function createJournalReplay(): {
  add(record: JournalRecord, location?: RecordLocation): void;
  result(): ReplayedJournal;
} {
  const events = new Map<number, ReplayedEntry>();
  const streams = new Map<number, ReplayedEntry>();
  const settled = new Set<number>();
  let maxSequence = 0;
  return {
    add(record, location) {
      switch (record.k) {
        case 'event':
          maxSequence = Math.max(maxSequence, record.s);
          streams.delete(record.s);
          if (!settled.has(record.s)) {
            events.set(record.s, entryOf({ sequence: record.s, record, location }));
          }
          break;
        case 'stream-open':
          maxSequence = Math.max(maxSequence, record.s);
          if (!settled.has(record.s) && !events.has(record.s)) {
            streams.set(record.s, entryOf({ sequence: record.s, record, location }));
          }
          break;
        case 'stream-complete':
          maxSequence = Math.max(maxSequence, record.s, record.n);
          streams.delete(record.s);
          settled.add(record.s);
          if (!settled.has(record.n)) {
            events.set(record.n, entryOf({ sequence: record.n, record, location }));
          }
          break;
        case 'stream-abandon':
          streams.delete(record.s);
          settled.add(record.s);
          break;
        case 'ack':
          for (const sequence of record.s) {
            settled.add(sequence);
            events.delete(sequence);
            streams.delete(sequence);
          }
          break;
      }
    },
    result() {
      const bySequence = (left: ReplayedEntry, right: ReplayedEntry) =>
        left.sequence - right.sequence;
      return {
        events: [...events.values()].sort(bySequence),
        openStreams: [...streams.values()].sort(bySequence),
        nextSequence: maxSequence + 1,
      };
    },
  };
}

/**
 * {@link createJournalReplay} over a list of records.
 */
export function replayJournal(records: Iterable<JournalRecord>): ReplayedJournal {
  const replay = createJournalReplay();
  for (const record of records) replay.add(record);
  return replay.result();
}
