import type { OutboxEvent } from './outbox-event.js';

/**
 * The event with `time` set to `at` (milliseconds since the epoch) when it has none, otherwise
 * the event itself. Stamped once, when the event is journaled, so every retry carries the same
 * time (the client would re-stamp each try).
 */
export function stampEventTime({ event, at }: { event: OutboxEvent; at: number }): OutboxEvent {
  return event.time === undefined || event.time === null
    ? { ...event, time: new Date(at).toISOString() }
    : event;
}
