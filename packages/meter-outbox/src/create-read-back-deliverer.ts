import type { WarningNotice } from './outbox-emitter.js';
import type { OutboxEvent } from './outbox-event.js';
import type { OutboxEntry } from './usage-outbox-types.js';

/**
 * Wraps `deliver` (which needs every entry's event) for entries whose event is not held in
 * memory: each is read back from the journal for its batch only, so a backlog is not held in
 * memory. An entry whose record went unreadable after it was journaled (the file was damaged or
 * removed behind the outbox's back) is reported through `warn` and dropped with `lose`, rather
 * than retried forever.
 */
export function createReadBackDeliverer({
  deliver,
  readEvent,
  warn,
  lose,
}: {
  deliver: (batch: OutboxEntry[]) => Promise<void>;
  readEvent: (entry: OutboxEntry) => OutboxEvent;
  warn: (notice: WarningNotice) => void;
  lose: (entry: OutboxEntry) => void;
}): (batch: OutboxEntry[]) => Promise<void> {
  return async (batch) => {
    const ready: OutboxEntry[] = [];
    const transient: OutboxEntry[] = [];
    for (const entry of batch) {
      if (!entry.event) {
        try {
          entry.event = readEvent(entry);
          transient.push(entry);
        } catch (error) {
          warn({
            message: `Could not read event ${entry.id} back from the journal (${(error as Error).message}); it is lost.`,
            details: { id: entry.id, location: entry.location },
          });
          lose(entry);
          continue;
        }
      }
      ready.push(entry);
    }
    try {
      await deliver(ready);
    } finally {
      for (const entry of transient) entry.event = undefined;
    }
  };
}
