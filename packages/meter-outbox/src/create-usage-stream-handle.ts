import { InvalidUsageEventError, OutboxClosedError } from './errors.js';
import type { JournalRecord } from './journal-record.js';
import type { OutboxEvent } from './outbox-event.js';
import { parseOutboxEvent } from './parse-outbox-event.js';
import type { OutboxEntry, UsageStreamHandle } from './usage-outbox-types.js';

/**
 * The outbox operations a stream handle needs.
 * @see https://openmeter.io/docs/metering/events/usage-events
 */
export interface UsageStreamHost {
  /** Journals a live record; returns its segment (-1 in memory mode). */
  write(record: JournalRecord): number;
  /** Journals a record that settles something (abandon). */
  writeSettlement(record: JournalRecord): void;
  release(segment: number): void;
  allocateSequence(): number;
  now(): number;
  isStopped(): boolean;
  stampTime(event: OutboxEvent, at: number): OutboxEvent;
  /** The stream is closed; `final` (if any) must be delivered. */
  onClosed(input: { stream: OutboxEntry; final: OutboxEntry | undefined }): void;
}

/**
 * Builds the handle of a journaled stream: `update` journals a new crash event,
 * `complete` atomically closes the stream and enqueues its final event (same `id` and `source`,
 * so dedup can never count both), `abandon` closes it without metering.
 * @see https://openmeter.io/docs/metering/events/usage-events
 */
export function createUsageStreamHandle({
  stream,
  host,
}: {
  stream: OutboxEntry;
  host: UsageStreamHost;
}): UsageStreamHandle {
  let settled = false;
  const assertOpen = (action: string) => {
    if (settled) {
      throw new Error(
        `Usage stream ${stream.event.id} was already completed or abandoned; cannot ${action} it.`,
      );
    }
    if (host.isStopped()) {
      throw new OutboxClosedError(
        `Usage outbox is closed: stream ${stream.event.id} stays journaled and its crash event will be delivered when the outbox reopens on this dir.`,
      );
    }
  };
  const parseSameStream = (event: OutboxEvent, role: string) => {
    const parsed = host.stampTime(parseOutboxEvent(event), stream.enqueuedAt);
    for (const field of ['id', 'source'] as const) {
      if (parsed[field] !== stream.event[field]) {
        throw new InvalidUsageEventError(
          field,
          `The ${role} event of a stream must keep the opened crash event's \`${field}\` (${JSON.stringify(stream.event[field])}, got ${JSON.stringify(parsed[field])}), so OpenMeter's dedup on source + id can never count both.`,
        );
      }
    }
    return parsed;
  };
  return {
    id: stream.event.id,
    update(crashEvent) {
      assertOpen('update');
      const next = parseSameStream(crashEvent, 'updated');
      const segment = host.write({
        k: 'stream-open',
        s: stream.sequence,
        t: stream.enqueuedAt,
        e: next,
      });
      host.release(stream.segment);
      stream.segment = segment;
      stream.event = next;
    },
    complete(finalEvent) {
      assertOpen('complete');
      const event = parseSameStream(finalEvent, 'final');
      const sequence = host.allocateSequence();
      const enqueuedAt = host.now();
      // One record closes the stream and adds the final event: a crash leaves both or neither.
      const segment = host.write({
        k: 'stream-complete',
        s: stream.sequence,
        n: sequence,
        t: enqueuedAt,
        e: event,
      });
      settled = true;
      host.release(stream.segment);
      host.onClosed({ stream, final: { sequence, enqueuedAt, event, segment } });
    },
    abandon() {
      assertOpen('abandon');
      host.writeSettlement({ k: 'stream-abandon', s: stream.sequence });
      settled = true;
      host.release(stream.segment);
      host.onClosed({ stream, final: undefined });
    },
  };
}
