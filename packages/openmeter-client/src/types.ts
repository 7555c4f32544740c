import type { components, operations } from './generated/schema.js';

/** A CloudEvent as OpenMeter ingests it. @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md */
export type OpenMeterEvent = components['schemas']['Event'];

/**
 * An event as `events.ingest` accepts it: the fields the client can fill are optional
 * (`id` gets a UUID, `source` the client's default source, `specversion` "1.0", `time` the
 * moment of the call), and `time` may be a `Date`.
 */
export type IngestEventInput = Omit<OpenMeterEvent, 'id' | 'source' | 'specversion' | 'time'> & {
  id?: string;
  source?: string;
  specversion?: string;
  time?: Date | string | null;
};

/** An event as OpenMeter stored it, with ingestion time and any validation error. */
export type IngestedEvent = components['schemas']['IngestedEvent'];
/** A meter definition. */
export type Meter = components['schemas']['Meter'];
/** The body that creates a meter. */
export type MeterCreate = components['schemas']['MeterCreate'];
/** The answer of a meter query. */
export type MeterQueryResult = components['schemas']['MeterQueryResult'];
/** One row of a meter query. */
export type MeterQueryRow = components['schemas']['MeterQueryRow'];
/** Window sizes a meter query can aggregate by. */
export type WindowSize = components['schemas']['WindowSize'];
/** Query parameters of `meters.query`, exactly as the spec's GET query. */
export type MeterQueryParams = NonNullable<operations['queryMeter']['parameters']['query']>;
/** Query parameters of `events.list`. */
export type ListEventsParams = NonNullable<operations['listEvents']['parameters']['query']>;
/** Query parameters of `meters.list`. */
export type ListMetersParams = NonNullable<operations['listMeters']['parameters']['query']>;
