import { safeParseRfc3339 } from './parse-rfc3339.js';
import type { OpenMeterEvent } from './types.js';

/**
 * One thing wrong with an event envelope: the field (empty for the event itself) and why.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md#required-attributes
 */
export interface EventIssue {
  field: string;
  message: string;
}

/**
 * What {@link safeParseEvent} returns: the event (unchanged) with its time in milliseconds since
 * the epoch (undefined when absent), or every issue found.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md#required-attributes
 */
export type SafeParseEventResult =
  | { success: true; value: { event: OpenMeterEvent; timeMilliseconds: number | undefined } }
  | { success: false; issues: EventIssue[] };

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks a CloudEvent envelope the way OpenMeter accepts it, the one validation shared by the
 * client, the outbox and openmeter-local: `specversion` "1.0"; `id`, `source`, `type` and
 * `subject` non-empty strings; `time`, when present, an RFC 3339 date-time
 * ({@link safeParseRfc3339}); `data`, when present, a JSON object; `datacontenttype`, when set,
 * `application/json`. Reports every issue, and never changes the event.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md#required-attributes
 */
export function safeParseEvent(candidate: unknown): SafeParseEventResult {
  if (!isPlainObject(candidate)) {
    const got = candidate === null ? 'null' : Array.isArray(candidate) ? 'array' : typeof candidate;
    return {
      success: false,
      issues: [{ field: '', message: `an event must be a JSON object, got ${got}` }],
    };
  }
  const issues: EventIssue[] = [];
  if (candidate.specversion !== '1.0') {
    issues.push({
      field: 'specversion',
      message: `specversion must be "1.0", got ${JSON.stringify(candidate.specversion) ?? 'undefined'}`,
    });
  }
  for (const field of ['id', 'source', 'type', 'subject'] as const) {
    const value = candidate[field];
    if (typeof value !== 'string' || value.trim() === '') {
      issues.push({
        field,
        message: `${field} must be a non-empty string, got ${JSON.stringify(value) ?? 'undefined'}`,
      });
    }
  }
  let timeMilliseconds: number | undefined;
  if (candidate.time !== undefined && candidate.time !== null) {
    const time = safeParseRfc3339(candidate.time);
    if (time.success) timeMilliseconds = time.value;
    else issues.push({ field: 'time', message: `time: ${time.error}` });
  }
  if (candidate.data !== undefined && candidate.data !== null && !isPlainObject(candidate.data)) {
    issues.push({
      field: 'data',
      message: 'data must be a JSON object when present (OpenMeter reads meter values from it)',
    });
  }
  const contentType = candidate.datacontenttype;
  if (contentType !== undefined && contentType !== null && contentType !== 'application/json') {
    issues.push({
      field: 'datacontenttype',
      message: `datacontenttype must be "application/json" when set, got ${JSON.stringify(contentType)}`,
    });
  }
  if (issues.length > 0) return { success: false, issues };
  return { success: true, value: { event: candidate as OpenMeterEvent, timeMilliseconds } };
}
