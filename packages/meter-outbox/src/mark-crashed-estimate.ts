import type { OutboxEvent } from './outbox-event.js';

/**
 * Turns the journaled estimate of a stream whose process died into the event to meter: same id
 * (so a final event delivered before the crash wins through dedup), `data.usage_source`
 * `'estimated'` and `data.estimate_reason` `'crashed'`.
 * @see https://openmeter.io/docs/metering/events/usage-events
 */
export function markCrashedEstimate(event: OutboxEvent): OutboxEvent {
  const data = typeof event.data === 'object' && event.data !== null ? event.data : {};
  return { ...event, data: { ...data, usage_source: 'estimated', estimate_reason: 'crashed' } };
}
