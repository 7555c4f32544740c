import { CloudEventError, parseCloudEvent } from '@llm-meter/meter-core/cloudevents';
import { InvalidUsageEventError } from './errors.js';
import type { OutboxEvent } from './outbox-event.js';

/**
 * Checks `value` with meter-core's `parseCloudEvent`, the check the OpenMeter client's `ingest`
 * and openmeter-local apply too (`specversion` "1.0"; `id`, `source`, `type`, `subject` not
 * empty or blank; `time` a `Date` or an RFC 3339 string; `data` a JSON object), and returns the
 * event with a `Date` time turned into its RFC 3339 string (otherwise the event itself). Throws
 * {@link InvalidUsageEventError} naming the first bad field (and listing all), with the check's
 * `CloudEventError` as `cause`.
 */
export function parseOutboxEvent(value: unknown): OutboxEvent {
  try {
    return parseCloudEvent({ event: value });
  } catch (error) {
    if (!(error instanceof CloudEventError)) throw error;
    const field = error.field || 'event';
    const idHint =
      field === 'id'
        ? ' The id must be stable across retries (OpenMeter deduplicates on source + id).'
        : '';
    throw new InvalidUsageEventError(
      field,
      `Usage event is invalid: ${error.issues.map((issue) => issue.message).join('; ')}. The event was not recorded; build it with toUsageEvent() from @llm-meter/meter-core.${idHint}`,
      { cause: error },
    );
  }
}
