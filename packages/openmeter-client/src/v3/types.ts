import type { components, operations } from '../generated/schema-v3.js';

/**
 * A CloudEvent as OpenMeter's v3 API ingests it (`MeteringEvent`).
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md
 */
export type MeteringEvent = components['schemas']['MeteringEvent'];
/** An event as OpenMeter stored it: the event, its customer, ingestion times, validation errors. */
export type MeteringIngestedEvent = components['schemas']['MeteringIngestedEvent'];
/** One page of `events.list`: `data` and the cursors in `meta.page` (`next`, `previous`). */
export type IngestedEventPage = components['schemas']['IngestedEventPaginatedResponse'];
/** Query of `events.list`: `page` (`size`, `after`, `before`), `filter[...]` objects, `sort`. */
export type ListEventsQuery = NonNullable<
  operations['list-metering-events']['parameters']['query']
>;
/** A meter, with its ULID `id` and its `key`. */
export type Meter = components['schemas']['Meter'];
/** The body that creates a meter. */
export type CreateMeterRequest = components['schemas']['CreateMeterRequest'];
/** The body that updates a meter (name, description, labels, dimensions). */
export type UpdateMeterRequest = components['schemas']['UpdateMeterRequest'];
/** One page of `meters.list`. */
export type MeterPage = components['schemas']['MeterPagePaginatedResponse'];
/** Query of `meters.list`: `page` (`size`, `number`), `filter[key]`, `filter[name]`, `sort`. */
export type ListMetersQuery = NonNullable<operations['list-meters']['parameters']['query']>;
/**
 * The body of a meter query: from, to, granularity, time_zone (default `UTC`, so optional
 * here, though openapi-typescript types a defaulted field as present), group_by_dimensions,
 * filters.
 */
export type MeterQueryRequest = Omit<components['schemas']['MeterQueryRequest'], 'time_zone'> & {
  time_zone?: string;
};
/** The answer of a meter query; each row's `value` is a decimal string. */
export type MeterQueryResult = components['schemas']['MeterQueryResult'];
/** One row of a meter query. */
export type MeterQueryRow = components['schemas']['MeterQueryRow'];
/** A customer, with the subjects its usage is attributed from (`usage_attribution.subject_keys`). */
export type Customer = components['schemas']['BillingCustomer'];
/** The body that creates a customer. */
export type CreateCustomerRequest = components['schemas']['CreateCustomerRequest'];
/** The body that replaces a customer (`PUT`). */
export type UpsertCustomerRequest = components['schemas']['UpsertCustomerRequest'];
/** One page of `customers.list`. */
export type CustomerPage = components['schemas']['CustomerPagePaginatedResponse'];
/** Query of `customers.list`: `page`, `filter[key]`, `filter[usage_attribution_subject_key]`, `sort`. */
export type ListCustomersQuery = NonNullable<operations['list-customers']['parameters']['query']>;
