// The strict RFC 3339 parser lives beside the event check in meter-core; re-exported unchanged.
export {
  parseRfc3339,
  type SafeParseRfc3339Result,
  safeParseRfc3339,
} from '@llm-meter/meter-core/cloudevents';
export { computeBackoffDelay } from './compute-backoff-delay.js';
export {
  createOpenMeterClient,
  type IngestOptions,
  type OpenMeterClient,
  type OpenMeterClientOptions,
  type OpenMeterMeterReader,
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
export {
  isKonnectUrl,
  type OpenMeterApiVersion,
  type ResolvedOpenMeterApi,
  resolveOpenMeterApi,
} from './resolve-open-meter-api.js';
export type { RetryOptions } from './retry-policy.js';
export { serializeQuery } from './serialize-query.js';
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
