import { type JournalRecord, recordHeaderBytes } from './journal-record.js';
import type { OutboxEvent } from './outbox-event.js';
import type { SegmentJournal } from './segment-journal.js';
import type { OutboxEntry } from './usage-outbox-types.js';

/**
 * The event of `entry`: the one held in memory, or else read back from its journal record (a
 * backlog beyond `memoryBytes`, or recovered on open). Throws when the record holds no event or
 * cannot be read.
 */
export function readJournaledEvent({
  journal,
  entry,
}: {
  journal: SegmentJournal | undefined;
  entry: OutboxEntry;
}): OutboxEvent {
  if (entry.event) return entry.event;
  if (!journal || !entry.location) throw new Error(`Event ${entry.id} has no journal record.`);
  const bytes = journal.readBytes(entry.location);
  const record = JSON.parse(bytes.toString('utf8', recordHeaderBytes)) as JournalRecord;
  if (!('e' in record)) throw new Error(`Record of event ${entry.id} holds no event.`);
  return record.e;
}
