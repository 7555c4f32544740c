import { InvalidUsageEventError } from './errors.js';
import type { OutboxEvent } from './outbox-event.js';

const requiredAttributes = ['specversion', 'id', 'source', 'type', 'subject'] as const;

/**
 * Checks that `value` carries the attributes OpenMeter needs to ingest and deduplicate it
 * (non-empty string `specversion`, `id`, `source`, `type`, `subject`), and throws
 * {@link InvalidUsageEventError} naming the first missing field. The event is returned as is.
 * @see https://openmeter.io/docs/metering/events/usage-events
 */
export function parseOutboxEvent(value: unknown): OutboxEvent {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidUsageEventError(
      'event',
      'Usage event must be a CloudEvent object; build it with toUsageEvent() from @llm-meter/meter-core.',
    );
  }
  const record = value as Record<string, unknown>;
  for (const field of requiredAttributes) {
    const attribute = record[field];
    if (typeof attribute !== 'string' || attribute.length === 0) {
      throw new InvalidUsageEventError(
        field,
        `Usage event is missing \`${field}\` (got ${JSON.stringify(attribute) ?? 'undefined'}): set a non-empty string${field === 'id' ? ' that is stable across retries (OpenMeter deduplicates on source + id)' : ''}. The event was not recorded.`,
      );
    }
  }
  return record as unknown as OutboxEvent;
}
