export { computeBackoffDelay } from './compute-backoff-delay.js';
export {
  createOpenMeterClient,
  type IngestOptions,
  type OpenMeterClient,
  type OpenMeterClientOptions,
} from './create-client.js';
export {
  InvalidEventError,
  isRetryableStatus,
  OpenMeterClientError,
  OpenMeterConnectionError,
  OpenMeterError,
  OpenMeterTimeoutError,
  type Problem,
} from './errors.js';
export type { components, operations, paths } from './generated/schema.js';
export { parseRfc3339, type SafeParseRfc3339Result, safeParseRfc3339 } from './parse-rfc3339.js';
export type { RetryOptions } from './retry-policy.js';
export { type EventIssue, type SafeParseEventResult, safeParseEvent } from './safe-parse-event.js';
export type {
  IngestEventInput,
  IngestedEvent,
  ListEventsParams,
  ListMetersParams,
  Meter,
  MeterCreate,
  MeterQueryParams,
  MeterQueryResult,
  MeterQueryRow,
  OpenMeterEvent,
  WindowSize,
} from './types.js';
