import { CloudEventError, type CloudEventIssue } from './cloud-event-error.js';
import { safeParseRfc3339 } from './parse-rfc3339.js';

/**
 * A CloudEvent as OpenMeter ingests it, as {@link parseCloudEvent} returns it: `time` is an RFC
 * 3339 string (or absent, which means "when it was ingested"). Extension attributes pass
 * through untouched.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md
 */
export interface ParsedCloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject: string;
  /** RFC 3339 date-time, e.g. `2024-01-01T00:00:00.000Z`; absent or null: the ingestion time. */
  time?: string | null | undefined;
  datacontenttype?: 'application/json' | null | undefined;
  dataschema?: string | null | undefined;
  data?: { [key: string]: unknown } | null | undefined;
}

// Go's unicode.IsSpace, which OpenMeter's CloudEvents SDK trims before refusing an empty id,
// source, type or subject (JavaScript's \s differs: it has U+FEFF and lacks U+0085).
const blankPattern =
  /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;

/** Whether a text is empty or only whitespace, as OpenMeter's CloudEvents SDK reads it. */
export const isBlankText = (text: string): boolean => blankPattern.test(text);
// The longest RFC 3339 date-time (nine fraction digits and an offset) has 35 characters.
const longestTimeText = 64;
const requiredTexts = ['id', 'source', 'type', 'subject'] as const;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const describeType = (value: unknown) =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;

/** The RFC 3339 text of `time`, or what is wrong with it. */
function checkTime(time: unknown): { text: string } | { message: string } {
  if (time instanceof Date) {
    if (Number.isNaN(time.getTime())) {
      return { message: 'time is an invalid Date: pass a valid Date or an RFC 3339 string' };
    }
    const year = time.getUTCFullYear();
    if (year < 0 || year > 9999) {
      return {
        message: `time is a Date in the year ${year}: RFC 3339 writes only the years 0000-9999`,
      };
    }
    return { text: time.toISOString() };
  }
  if (typeof time !== 'string') {
    return {
      message: `time must be a Date or an RFC 3339 date-time such as 2024-01-01T00:00:00Z, got ${describeType(time)}`,
    };
  }
  if (time.length > longestTimeText) {
    return {
      message: `time is not an RFC 3339 date-time such as 2024-01-01T00:00:00Z (got ${time.length} characters)`,
    };
  }
  const parsed = safeParseRfc3339(time);
  return parsed.success ? { text: time } : { message: `time ${parsed.error}` };
}

/**
 * What {@link safeParseCloudEvent} returns: the event ready to send, or every issue found.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md#required-attributes
 */
export type SafeParseCloudEventResult =
  | { success: true; value: ParsedCloudEvent }
  | { success: false; issues: [CloudEventIssue, ...CloudEventIssue[]] };

/**
 * The one check of a CloudEvent as OpenMeter ingests it, applied by every entry point of this
 * repository (the OpenMeter client's `ingest`, the outbox's `enqueue`, openmeter-local's
 * `POST /api/v1/events`): `specversion` "1.0"; `id`, `source`, `type` and `subject` strings that
 * are not empty and not only whitespace (OpenMeter's CloudEvents SDK trims them before checking);
 * `time` absent, null, a valid `Date` (years 0000-9999) or an RFC 3339 date-time string;
 * `datacontenttype` "application/json" and `dataschema` an absolute URI when set; `data` a JSON
 * object when present. Pure: no clock, no I/O.
 *
 * The value is the event itself, or a copy whose `Date` time became its RFC 3339 string
 * (`toISOString()`); a time given as a string is kept as written. Like {@link parseCloudEvent},
 * but returns every issue instead of throwing (a server refusing many events at once).
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md#required-attributes
 */
export function safeParseCloudEvent({ event }: { event: unknown }): SafeParseCloudEventResult {
  if (!isPlainObject(event)) {
    return {
      success: false,
      issues: [
        { field: '', message: `an event must be a JSON object, got ${describeType(event)}` },
      ],
    };
  }
  const issues: CloudEventIssue[] = [];
  const refuse = (field: string, message: string) => issues.push({ field, message });
  if (event.specversion !== '1.0') refuse('specversion', 'specversion must be "1.0"');
  for (const field of requiredTexts) {
    const value = event[field];
    if (typeof value !== 'string' || value === '') {
      refuse(field, `${field} must be a non-empty string`);
    } else if (blankPattern.test(value)) {
      refuse(field, `${field} must be a non-empty string, not only whitespace`);
    }
  }
  let time: string | undefined;
  if (event.time !== undefined && event.time !== null) {
    const checked = checkTime(event.time);
    if ('message' in checked) refuse('time', checked.message);
    else time = checked.text;
  }
  if (event.data !== undefined && event.data !== null && !isPlainObject(event.data)) {
    refuse(
      'data',
      `data must be a JSON object when present (OpenMeter reads meter values from it), got ${describeType(event.data)}`,
    );
  }
  const contentType = event.datacontenttype;
  if (contentType !== undefined && contentType !== null && contentType !== 'application/json') {
    refuse('datacontenttype', 'datacontenttype must be "application/json" when set');
  }
  const schema = event.dataschema;
  if (
    schema !== undefined &&
    schema !== null &&
    (typeof schema !== 'string' || !URL.canParse(schema))
  ) {
    refuse(
      'dataschema',
      'dataschema must be an absolute URI such as https://example.com/usage.json when set',
    );
  }
  const [first, ...rest] = issues;
  if (first) return { success: false, issues: [first, ...rest] };
  const parsed = event as unknown as ParsedCloudEvent;
  // Only a Date time changes: the event is returned as given otherwise (no copy).
  return {
    success: true,
    value: time === undefined || time === event.time ? parsed : { ...parsed, time },
  };
}

/**
 * Checks a CloudEvent the way OpenMeter ingests it ({@link safeParseCloudEvent} has the rules)
 * and returns it ready to send: the event itself, or a copy whose `Date` time became its RFC
 * 3339 string. Throws {@link CloudEventError} naming the first offending attribute and listing
 * every problem.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md#required-attributes
 */
export function parseCloudEvent({ event }: { event: unknown }): ParsedCloudEvent {
  const result = safeParseCloudEvent({ event });
  if (!result.success) throw new CloudEventError({ issues: result.issues });
  return result.value;
}
