import type { components } from '@llm-meter/openmeter-client';

// Wire types of the OpenMeter API subset this server speaks, taken from the types the client
// generates from OpenMeter's OpenAPI spec, so both sides agree on every shape.
export type {
  IngestedEvent,
  ListEventsParams,
  Meter,
  MeterCreate,
  MeterQueryParams as MeterQueryGetParams,
  MeterQueryResult,
  MeterQueryRow,
  OpenMeterEvent,
  Problem as ProblemResponse,
  WindowSize,
} from '@llm-meter/openmeter-client';

/** A meter aggregation (SUM, COUNT, ...). */
export type MeterAggregation = components['schemas']['MeterAggregation'];
/** The body of `POST /api/v1/meters/{meterIdOrSlug}/query`. */
export type MeterQueryRequest = components['schemas']['MeterQueryRequest'];
/** An advanced group-by filter. */
export type FilterString = components['schemas']['FilterString'];
