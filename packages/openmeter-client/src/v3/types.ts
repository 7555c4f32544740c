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
/**
 * A feature: a billable dimension, optionally on a meter (`meter.id`, `meter.filters`), with a
 * `unit_cost`: `manual` (a fixed amount per unit) or `llm` (looked up in the LLM cost database
 * by provider, model and token type, each static or a meter dimension).
 */
export type Feature = components['schemas']['Feature'];
/** The body that creates a feature. */
export type CreateFeatureRequest = components['schemas']['CreateFeatureRequest'];
/** The body that updates a feature: only `unit_cost` (`null` clears it). */
export type UpdateFeatureRequest = components['schemas']['UpdateFeatureRequest'];
/** One page of `features.list`. */
export type FeaturePage = components['schemas']['FeaturePagePaginatedResponse'];
/** Query of `features.list`: `page`, `filter[meter_id]`, `filter[key]`, `filter[name]`, `sort`. */
export type ListFeaturesQuery = NonNullable<operations['list-features']['parameters']['query']>;
/** A feature's unit cost: `{ type: 'manual', amount }` or `{ type: 'llm', ... }`. */
export type FeatureUnitCost = components['schemas']['BillingFeatureUnitCost'];
/** The LLM unit cost of a feature: provider, model and token type, static or by dimension. */
export type FeatureLlmUnitCost = components['schemas']['BillingFeatureLLMUnitCost'];
/** The answer of a feature cost query: rows of usage and cost (null, with `detail`, unpriced). */
export type FeatureCostQueryResult = components['schemas']['FeatureCostQueryResult'];
/** One row of a feature cost query. */
export type FeatureCostQueryRow = components['schemas']['FeatureCostQueryRow'];
/** An LLM cost price: per-token rates of one provider's model, `system` or `manual` (override). */
export type LlmCostPrice = components['schemas']['LLMCostPrice'];
/** Per-token rates (`input_per_token`, `output_per_token`, `cache_read_per_token`, ...). */
export type LlmCostModelPricing = components['schemas']['LLMCostModelPricing'];
/** One page of LLM cost prices or overrides. */
export type LlmCostPricePage = components['schemas']['PricePagePaginatedResponse'];
/** Query of `llmCost.listPrices`: `filter[provider]`, `filter[model_id]`, ..., `page`, `sort`. */
export type ListLlmCostPricesQuery = NonNullable<
  operations['list-llm-cost-prices']['parameters']['query']
>;
/** Query of `llmCost.listOverrides`: the prices' filters and `page`. */
export type ListLlmCostOverridesQuery = NonNullable<
  operations['list-llm-cost-overrides']['parameters']['query']
>;
/** The body of a per-namespace override (created, or updated for the same provider, model, currency). */
export type CreateLlmCostOverrideRequest = components['schemas']['LLMCostOverrideCreate'];
