import type { OpenMeterEvent } from '../openmeter-types.js';
import { findJsonProblem } from './find-json-problem.js';
import { parseRfc3339 } from './parse-rfc3339.js';

/**
 * One problem with one event of an ingest request. @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md
 */
export interface EventValidationIssue {
  index: number;
  id: string | null;
  field: string;
  message: string;
}

/**
 * An event that passed validation, with its time resolved to milliseconds.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md
 */
export interface ValidEvent {
  event: OpenMeterEvent;
  timeMilliseconds: number;
}

/**
 * What `validateEvent` returns: the usable event or every problem found in it.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md
 */
export type ValidateEventResult =
  | { success: true; value: ValidEvent }
  | { success: false; issues: EventValidationIssue[] };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/**
 * Checks one CloudEvent the way OpenMeter does before accepting it: `specversion` "1.0",
 * non-empty `id`, `source`, `type` and `subject`, `time` in RFC 3339 (absent or null means the
 * ingest time), `data` a JSON object when present, `datacontenttype` "application/json" when set;
 * no object or array nested deeper than `maxDepth`, and no lone UTF-16 surrogate in any key or
 * string (SQLite would store U+FFFD instead, so the stored event would not be the one sent).
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md#required-attributes
 */
export function validateEvent({
  candidate,
  index,
  nowMilliseconds,
  maxDepth,
}: {
  candidate: unknown;
  index: number;
  nowMilliseconds: number;
  /** Deepest nesting of objects and arrays allowed; the event object itself is depth 1. */
  maxDepth: number;
}): ValidateEventResult {
  if (!isPlainObject(candidate)) {
    return {
      success: false,
      issues: [{ index, id: null, field: '', message: 'an event must be a JSON object' }],
    };
  }
  const problem = findJsonProblem({ value: candidate, maxDepth });
  const id = isNonEmptyString(candidate.id) && !problem ? candidate.id : null;
  const issues: EventValidationIssue[] = [];
  const fail = (field: string, message: string) => issues.push({ index, id, field, message });
  if (problem) {
    fail(problem.field, `${problem.field} ${problem.message}`);
    return { success: false, issues };
  }

  if (candidate.specversion !== '1.0') fail('specversion', 'specversion must be "1.0"');
  for (const field of ['id', 'source', 'type', 'subject'] as const) {
    if (!isNonEmptyString(candidate[field])) fail(field, `${field} must be a non-empty string`);
  }
  let timeMilliseconds = nowMilliseconds;
  const time = candidate.time;
  if (time !== undefined && time !== null) {
    const parsed = typeof time === 'string' ? parseRfc3339(time) : undefined;
    if (parsed === undefined)
      fail('time', 'time must be an RFC 3339 date-time such as 2024-01-01T00:00:00Z');
    else timeMilliseconds = parsed;
  }
  if (candidate.data !== undefined && candidate.data !== null && !isPlainObject(candidate.data)) {
    fail('data', 'data must be a JSON object when present');
  }
  const contentType = candidate.datacontenttype;
  if (contentType !== undefined && contentType !== null && contentType !== 'application/json') {
    fail('datacontenttype', 'datacontenttype must be "application/json" when set');
  }
  if (issues.length > 0) return { success: false, issues };

  // The candidate is this request's own parsed JSON: completing it in place saves a copy.
  const event = candidate as OpenMeterEvent;
  if (time === undefined || time === null) event.time = new Date(timeMilliseconds).toISOString();
  return { success: true, value: { event, timeMilliseconds } };
}
