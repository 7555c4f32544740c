import type { JournalRecord } from './journal-record.js';
import type { OutboxEvent } from './outbox-event.js';

/**
 * An event or stream estimate found unsettled in the journal.
 * @see https://openmeter.io/docs/metering/events/usage-events
 */
export interface ReplayedEntry {
  sequence: number;
  enqueuedAt: number;
  event: OutboxEvent;
}

/**
 * What the journal says is still owed.
 * @see https://openmeter.io/docs/metering/events/usage-events
 */
export interface ReplayedJournal {
  /** Unacknowledged events, by ascending sequence. */
  events: ReplayedEntry[];
  /** Streams opened and never completed nor abandoned, by ascending sequence. */
  openStreams: ReplayedEntry[];
  nextSequence: number;
}

/**
 * Folds journal records into the set of events still owed. Acknowledgements are sticky, so a
 * record copied forward (or rewritten during recovery) never revives a settled sequence.
 * @see https://openmeter.io/docs/metering/events/usage-events
 */
export function replayJournal(records: Iterable<JournalRecord>): ReplayedJournal {
  const events = new Map<number, ReplayedEntry>();
  const streams = new Map<number, ReplayedEntry>();
  const settled = new Set<number>();
  let maxSequence = 0;
  for (const record of records) {
    switch (record.k) {
      case 'event':
        maxSequence = Math.max(maxSequence, record.s);
        streams.delete(record.s);
        if (!settled.has(record.s)) {
          events.set(record.s, { sequence: record.s, enqueuedAt: record.t, event: record.e });
        }
        break;
      case 'stream-open':
        maxSequence = Math.max(maxSequence, record.s);
        if (!settled.has(record.s) && !events.has(record.s)) {
          streams.set(record.s, { sequence: record.s, enqueuedAt: record.t, event: record.e });
        }
        break;
      case 'stream-complete':
        maxSequence = Math.max(maxSequence, record.s, record.n);
        streams.delete(record.s);
        settled.add(record.s);
        if (!settled.has(record.n)) {
          events.set(record.n, { sequence: record.n, enqueuedAt: record.t, event: record.e });
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
  }
  const bySequence = (left: ReplayedEntry, right: ReplayedEntry) => left.sequence - right.sequence;
  return {
    events: [...events.values()].sort(bySequence),
    openStreams: [...streams.values()].sort(bySequence),
    nextSequence: maxSequence + 1,
  };
}
