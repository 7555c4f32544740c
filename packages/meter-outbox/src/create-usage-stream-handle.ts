import { InvalidUsageEventError, OutboxClosedError } from './errors.js';
import type { JournalRecord } from './journal-record.js';
import type { OutboxEvent, OutboxEventInput } from './outbox-event.js';
import { parseOutboxEvent } from './parse-outbox-event.js';
import type { RecordLocation } from './segment-journal.js';
import type { OutboxEntry, UsageStreamHandle } from './usage-outbox-types.js';

/**
 * The outbox operations a stream handle needs.
 */
export interface UsageStreamHost {
  /** Journals a live record (fenced, headroom checked); undefined in memory mode. */
  write(record: JournalRecord): RecordLocation | undefined;
  /** Journals a record that settles something (abandon). */
  writeSettlement(record: JournalRecord): void;
  /** The stream's live record moved from `previous` to `stream.location`. */
  moved(input: { stream: OutboxEntry; previous: RecordLocation | undefined }): void;
  allocateSequence(): number;
  now(): number;
  isStopped(): boolean;
  stampTime(event: OutboxEvent, at: number): OutboxEvent;
  /** The stream is closed; `final` (if any) must be delivered. */
  onClosed(input: { stream: OutboxEntry; final: OutboxEntry | undefined }): void;
}

/**
 * Builds the handle of a journaled stream: `update` journals a new crash event (what to deliver
 * if the process dies; it may carry a new `id`), `complete` atomically closes the stream and
 * enqueues its final event (same `source`; one record, so a crash can never leave both),
 * `abandon` closes it without metering.
 * The outbox never looks inside these events.
 */
export function createUsageStreamHandle({
  stream,
  host,
}: {
  stream: OutboxEntry & { event: OutboxEvent };
  host: UsageStreamHost;
}): UsageStreamHandle {
  let settled = false;
  const assertOpen = (action: string) => {
    if (settled) {
      throw new Error(
        `Usage stream ${stream.id} was already completed or abandoned; cannot ${action} it.`,
      );
    }
    if (host.isStopped()) {
      throw new OutboxClosedError(
        `Usage outbox is closed: stream ${stream.id} stays journaled and its crash event will be delivered when the outbox reopens on this dir.`,
      );
    }
  };
  // The id may change (a stream re-keyed to upstream's request id, then completed under the
  // response id): each record replaces the stream's previous one, and `complete` closes the
  // stream in the record that adds the final event, so only one of them is ever delivered.
  const parseSameStream = (event: OutboxEventInput, role: string) => {
    const parsed = host.stampTime(parseOutboxEvent(event), stream.enqueuedAt);
    if (parsed.source !== stream.event.source) {
      throw new InvalidUsageEventError(
        'source',
        `The ${role} event of a stream must keep the opened crash event's \`source\` (${JSON.stringify(stream.event.source)}, got ${JSON.stringify(parsed.source)}).`,
      );
    }
    return parsed;
  };
  return {
    get id() {
      return stream.id;
    },
    update(crashEvent) {
      assertOpen('update');
      const next = parseSameStream(crashEvent, 'updated');
      const location = host.write({
        k: 'stream-open',
        s: stream.sequence,
        t: stream.enqueuedAt,
        e: next,
      });
      const previous = stream.location;
      stream.location = location;
      stream.event = next;
      stream.id = next.id;
      host.moved({ stream, previous });
    },
    complete(finalEvent) {
      assertOpen('complete');
      const event = parseSameStream(finalEvent, 'final');
      const sequence = host.allocateSequence();
      const enqueuedAt = host.now();
      // One record closes the stream and adds the final event: a crash leaves both or neither.
      const location = host.write({
        k: 'stream-complete',
        s: stream.sequence,
        n: sequence,
        t: enqueuedAt,
        e: event,
      });
      settled = true;
      host.onClosed({
        stream,
        final: { sequence, enqueuedAt, id: event.id, event, location },
      });
    },
    abandon() {
      assertOpen('abandon');
      host.writeSettlement({ k: 'stream-abandon', s: stream.sequence });
      settled = true;
      host.onClosed({ stream, final: undefined });
    },
  };
}
