import { safeParseEvent } from '@llm-meter/openmeter-client';
import { InvalidUsageEventError } from './errors.js';
import type { OutboxEvent } from './outbox-event.js';

/**
 * Checks `value` with the OpenMeter client's envelope validation (`safeParseEvent`: the same
 * rules the client and OpenMeter apply: `specversion` "1.0", non-empty `id`, `source`, `type`,
 * `subject`, an RFC 3339 `time`, object `data`) and throws {@link InvalidUsageEventError} naming
 * the first bad field (and listing all). The event is returned as is.
 * @see https://openmeter.io/docs/metering/events/usage-events
 */
export function parseOutboxEvent(value: unknown): OutboxEvent {
  const parsed = safeParseEvent(value);
  if (parsed.success) return parsed.value.event as OutboxEvent;
  const [first] = parsed.issues;
  const field = first?.field || 'event';
  const idHint =
    field === 'id'
      ? ' The id must be stable across retries (OpenMeter deduplicates on source + id).'
      : '';
  throw new InvalidUsageEventError(
    field,
    `Usage event is invalid: ${parsed.issues.map((issue) => issue.message).join('; ')}. The event was not recorded; build it with toUsageEvent() from @llm-meter/meter-core.${idHint}`,
  );
}
