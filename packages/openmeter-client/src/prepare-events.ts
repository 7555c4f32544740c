import { InvalidEventError } from './errors.js';
import { safeParseEvent } from './safe-parse-event.js';
import type { IngestEventInput, OpenMeterEvent } from './types.js';

/**
 * Completes events for sending, once, before the first attempt: a missing `id` gets a UUID
 * (so every retry carries the same id and OpenMeter's dedup makes it safe), a missing
 * `source` the default, `specversion` "1.0", a missing `time` the given moment, and a `Date`
 * becomes an RFC 3339 string. Then checks each with {@link safeParseEvent} (a `time` such as
 * `"Jan 1 2024"` is refused here, not by OpenMeter) and throws `InvalidEventError` naming the
 * field of the first bad event.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md#required-attributes
 */
export function prepareEvents({
  events,
  defaultSource,
  now,
  generateId,
}: {
  events: readonly IngestEventInput[];
  defaultSource: string;
  now: Date;
  generateId: () => string;
}): OpenMeterEvent[] {
  return events.map((event, index) => {
    const where = events.length > 1 ? `events[${index}]` : 'event';
    if (event === null || typeof event !== 'object' || Array.isArray(event)) {
      throw new InvalidEventError(where, `${where} must be an object, got ${typeof event}`);
    }
    const time = event.time;
    if (time instanceof Date && Number.isNaN(time.getTime())) {
      throw new InvalidEventError(`${where}.time`, `${where}.time is an invalid Date`);
    }
    const completed = {
      ...event,
      id: event.id ?? generateId(),
      source: event.source ?? defaultSource,
      specversion: event.specversion ?? '1.0',
      time:
        time === undefined || time === null
          ? now.toISOString()
          : time instanceof Date
            ? time.toISOString()
            : time,
    };
    const parsed = safeParseEvent(completed);
    if (!parsed.success) {
      const [first] = parsed.issues;
      const field = first?.field ? `${where}.${first.field}` : where;
      throw new InvalidEventError(
        field,
        `${where} is not a valid event, nothing was sent: ${parsed.issues
          .map((issue) => `${where}.${issue.message}`)
          .join('; ')}`,
      );
    }
    return parsed.value.event;
  });
}
