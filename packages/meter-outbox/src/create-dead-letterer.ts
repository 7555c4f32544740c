import type { IngestFailure } from './classify-ingest-error.js';
import type { JournalFileSystem } from './journal-file-system.js';
import type { OutboxNoticeMap } from './outbox-emitter.js';
import type { OutboxEvent } from './outbox-event.js';
import type { OutboxEntry, OutboxLogger } from './usage-outbox-types.js';

/**
 * What the outbox does with an event OpenMeter refused for good.
 */
export type DeadLetter = (input: {
  entry: OutboxEntry;
  failure: IngestFailure;
  error: unknown;
}) => void;

/**
 * Builds the dead-letter step: appends the refused event, with the refusal and the time, as one
 * JSON line to `file` (none in memory mode), then settles it, logs where it went and emits the
 * `dead-letter` notice. If the line cannot be written it throws and the event stays owed (it is
 * retried, and refused, again later) rather than being dropped.
 */
export function createDeadLetterer({
  file,
  fileSystem,
  now,
  logger,
  emit,
  readEvent,
  settle,
}: {
  file: string | undefined;
  fileSystem: JournalFileSystem;
  now: () => Date;
  logger: OutboxLogger | undefined;
  emit: (name: 'dead-letter', notice: OutboxNoticeMap['dead-letter']) => void;
  readEvent: (entry: OutboxEntry) => OutboxEvent;
  /** Settles the entry (journals its ack) and counts it dead-lettered. */
  settle: (entry: OutboxEntry) => void;
}): DeadLetter {
  return ({ entry, failure, error }) => {
    const message = error instanceof Error ? error.message : String(error);
    const event = readEvent(entry);
    if (file !== undefined) {
      const line = {
        time: now().toISOString(),
        status: failure.status,
        problem: failure.problem,
        message,
        event,
      };
      try {
        fileSystem.appendFileSync(file, `${JSON.stringify(line)}\n`);
      } catch (writeError) {
        // Keep it owed rather than drop it: it is retried (and refused) again later.
        throw new Error(`Could not write the dead-letter file ${file}.`, { cause: writeError });
      }
    }
    settle(entry);
    const where = file
      ? `moved it to ${file}`
      : 'dropped it (memory mode has no dead-letter file: keep it from the dead-letter notice)';
    logger?.warn(`OpenMeter refused event ${entry.id}; ${where}.`, {
      status: failure.status,
      message,
    });
    emit('dead-letter', {
      event,
      status: failure.status,
      problem: failure.problem,
      message,
      file,
    });
  };
}
