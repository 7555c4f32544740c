import { parseRfc3339, safeParseCloudEvent } from '@llm-meter/meter-core/cloudevents';
import type { OpenMeterEvent } from '../openmeter-types.js';
import { findJsonProblem } from './find-json-problem.js';

/**
 * One problem with one event of an ingest request.
 */
export interface EventValidationIssue {
  index: number;
  id: string | null;
  field: string;
  message: string;
}

/**
 * An event that passed validation, with its time resolved to milliseconds.
 */
export interface ValidEvent {
  event: OpenMeterEvent;
  timeMilliseconds: number;
}

/**
 * What `validateEvent` returns: the usable event or every problem found in it.
 */
export type ValidateEventResult =
  | { success: true; value: ValidEvent }
  | { success: false; issues: EventValidationIssue[] };

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks one CloudEvent of an ingest request with meter-core's `safeParseCloudEvent`, the check the
 * OpenMeter client and the outbox apply too, faithful to what OpenMeter accepts: `specversion`
 * "1.0"; `id`, `source`, `type` and `subject` not empty and not only whitespace (OpenMeter's
 * CloudEvents SDK trims them); `time` in RFC 3339 (absent or null means the ingest time); `data` a
 * JSON object when present; `datacontenttype` "application/json" and `dataschema` an absolute
 * URI when set. On top, this server's own limits: no object or array nested deeper than
 * `maxDepth`, and no lone UTF-16 surrogate in any key or string (SQLite would store U+FFFD
 * instead, so the stored event would not be the one sent).
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
  const problem = isPlainObject(candidate)
    ? findJsonProblem({ value: candidate, maxDepth })
    : undefined;
  const id =
    isPlainObject(candidate) && typeof candidate.id === 'string' && candidate.id && !problem
      ? candidate.id
      : null;
  if (problem) {
    return {
      success: false,
      issues: [{ index, id, field: problem.field, message: `${problem.field} ${problem.message}` }],
    };
  }
  // The result form: a batch of many invalid events is refused without an exception each.
  const parsed = safeParseCloudEvent({ event: candidate });
  if (!parsed.success) {
    return {
      success: false,
      issues: parsed.issues.map(({ field, message }) => ({ index, id, field, message })),
    };
  }
  // JSON carries no Date, so the parsed event is this request's own parsed object: completing
  // it in place saves a copy.
  const event = parsed.value as OpenMeterEvent;
  if (typeof event.time !== 'string') {
    event.time = new Date(nowMilliseconds).toISOString();
    return { success: true, value: { event, timeMilliseconds: nowMilliseconds } };
  }
  return { success: true, value: { event, timeMilliseconds: parseRfc3339(event.time) } };
}
