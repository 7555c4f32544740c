import { InvalidEventError } from './errors.js';
import type { IngestEventInput, OpenMeterEvent } from './types.js';

/**
 * Completes events for sending, once, before the first attempt: a missing `id` gets a UUID
 * (so every retry carries the same id and OpenMeter's dedup makes it safe), a missing
 * `source` the default, `specversion` "1.0", a missing `time` the given moment, and a `Date`
 * becomes an RFC 3339 string. Throws `InvalidEventError` naming the field of a bad event.
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
    if (event === null || typeof event !== 'object') {
      throw new InvalidEventError(where, `${where} must be an object, got ${typeof event}`);
    }
    for (const field of ['type', 'subject'] as const) {
      requireText({ value: event[field], field: `${where}.${field}` });
    }
    for (const field of ['id', 'source', 'specversion'] as const) {
      if (event[field] !== undefined)
        requireText({ value: event[field], field: `${where}.${field}` });
    }
    if (event.data !== undefined && event.data !== null) {
      if (typeof event.data !== 'object' || Array.isArray(event.data)) {
        throw new InvalidEventError(
          `${where}.data`,
          `${where}.data must be a JSON object when present (OpenMeter reads meter values from its properties)`,
        );
      }
    }
    return {
      ...event,
      id: event.id ?? generateId(),
      source: event.source ?? defaultSource,
      specversion: event.specversion ?? '1.0',
      time: convertTime({ time: event.time, field: `${where}.time`, now }),
    };
  });
}

function requireText({ value, field }: { value: unknown; field: string }): void {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidEventError(
      field,
      `${field} must be a non-empty string, got ${JSON.stringify(value)}`,
    );
  }
}

function convertTime({
  time,
  field,
  now,
}: {
  time: Date | string | null | undefined;
  field: string;
  now: Date;
}): string {
  if (time === undefined || time === null) return now.toISOString();
  if (time instanceof Date) {
    if (Number.isNaN(time.getTime()))
      throw new InvalidEventError(field, `${field} is an invalid Date`);
    return time.toISOString();
  }
  if (typeof time !== 'string' || Number.isNaN(Date.parse(time))) {
    throw new InvalidEventError(
      field,
      `${field} must be an RFC 3339 date-time, got ${JSON.stringify(time)}`,
    );
  }
  return time;
}
