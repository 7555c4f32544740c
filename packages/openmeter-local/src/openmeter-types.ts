import type { components, operations } from '@llm-meter/openmeter-client';

/**
 * Wire types of the OpenMeter API subset this server speaks, taken from the types the client
 * generates from OpenMeter's OpenAPI spec, so both sides agree on every shape.
 * @see https://openmeter.io/docs/api/cloud
 */
export type OpenMeterEvent = components['schemas']['Event'];
/** An event as listed by `GET /api/v1/events`. @see https://openmeter.io/docs/api/cloud */
export type IngestedEvent = components['schemas']['IngestedEvent'];
/** A meter definition. @see https://openmeter.io/docs/api/cloud */
export type Meter = components['schemas']['Meter'];
/** The body of `POST /api/v1/meters`. @see https://openmeter.io/docs/api/cloud */
export type MeterCreate = components['schemas']['MeterCreate'];
/** A meter aggregation (SUM, COUNT, ...). @see https://openmeter.io/docs/api/cloud */
export type MeterAggregation = components['schemas']['MeterAggregation'];
/** The answer of a meter query. @see https://openmeter.io/docs/api/cloud */
export type MeterQueryResult = components['schemas']['MeterQueryResult'];
/** One row of a meter query answer. @see https://openmeter.io/docs/api/cloud */
export type MeterQueryRow = components['schemas']['MeterQueryRow'];
/** The body of `POST /api/v1/meters/{meterIdOrSlug}/query`. @see https://openmeter.io/docs/api/cloud */
export type MeterQueryRequest = components['schemas']['MeterQueryRequest'];
/** Window sizes of a meter query. @see https://openmeter.io/docs/api/cloud */
export type WindowSize = components['schemas']['WindowSize'];
/** An advanced group-by filter. @see https://openmeter.io/docs/api/cloud */
export type FilterString = components['schemas']['FilterString'];
/** An RFC 7807 problem as OpenMeter answers it. @see https://www.rfc-editor.org/rfc/rfc7807 */
export type ProblemResponse = components['schemas']['UnexpectedProblemResponse'];
/** Query string of `GET /api/v1/meters/{meterIdOrSlug}/query`. @see https://openmeter.io/docs/api/cloud */
export type MeterQueryGetParams = NonNullable<operations['queryMeter']['parameters']['query']>;
/** Query string of `GET /api/v1/events`. @see https://openmeter.io/docs/api/cloud */
export type ListEventsParams = NonNullable<operations['listEvents']['parameters']['query']>;
