export {
  createOpenMeterClient,
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
export type { RetryOptions } from './retry-policy.js';
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
