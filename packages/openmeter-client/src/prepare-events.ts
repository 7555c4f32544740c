import { CloudEventError, parseCloudEvent } from '@llm-meter/meter-core/cloudevents';
import { InvalidEventError } from './errors.js';
import type { IngestEventInput, OpenMeterEvent } from './types.js';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Completes events for sending, once, before the first attempt: a missing `id` gets a generated
 * one (so every retry carries the same id and OpenMeter's dedup makes it safe), a missing
 * `source` the default, `specversion` "1.0", a missing `time` the clock's moment. Then checks
 * each with meter-core's `parseCloudEvent`, the check the outbox and openmeter-local apply too
 * (a `Date` time becomes its RFC 3339 string; a `time` such as `"Jan 1 2024"` or a blank
 * `subject` is refused here, not by OpenMeter), and throws `InvalidEventError` naming the field
 * of the first bad event, with the check's `CloudEventError` as `cause`.
 */
export function prepareEvents({
  events,
  defaultSource,
  now,
  generateId,
}: {
  events: readonly IngestEventInput[];
  defaultSource: string;
  now: () => Date;
  generateId: () => string;
}): OpenMeterEvent[] {
  return events.map((event, index) => {
    const where = events.length > 1 ? `events[${index}]` : 'event';
    const completed = isPlainObject(event)
      ? {
          ...event,
          id: event.id ?? generateId(),
          source: event.source ?? defaultSource,
          specversion: event.specversion ?? '1.0',
          time: event.time ?? now(),
        }
      : event;
    try {
      return parseCloudEvent({ event: completed }) as OpenMeterEvent;
    } catch (error) {
      if (!(error instanceof CloudEventError)) throw error;
      const issues = error.issues.map((issue) =>
        issue.field ? `${where}.${issue.message}` : `${where}: ${issue.message}`,
      );
      throw new InvalidEventError(
        error.field ? `${where}.${error.field}` : where,
        `${where} is not a valid event, nothing was sent: ${issues.join('; ')}`,
        { cause: error },
      );
    }
  });
}
