import type { Client } from 'openapi-fetch';
import type { IngestOptions, OpenMeterClientOptions } from '../create-client.js';
import { createClientCore } from '../create-client-core.js';
import type { paths } from '../generated/schema-v3.js';
import { prepareEvents } from '../prepare-events.js';
import type { IngestEventInput } from '../types.js';
import type {
  CreateCustomerRequest,
  CreateFeatureRequest,
  CreateLlmCostOverrideRequest,
  CreateMeterRequest,
  Customer,
  CustomerPage,
  Feature,
  FeatureCostQueryResult,
  FeaturePage,
  IngestedEventPage,
  ListCustomersQuery,
  ListEventsQuery,
  ListFeaturesQuery,
  ListLlmCostOverridesQuery,
  ListLlmCostPricesQuery,
  ListMetersQuery,
  LlmCostPrice,
  LlmCostPricePage,
  Meter,
  MeterPage,
  MeterQueryRequest,
  MeterQueryResult,
  UpdateFeatureRequest,
  UpdateMeterRequest,
  UpsertCustomerRequest,
} from './types.js';

/**
 * Options of `createOpenMeterV3Client`: those of the v1 client, with `baseUrl` the v3 API's
 * root, as the spec's servers name it: `http://127.0.0.1:8888/api/v3` (self-hosted,
 * openmeter-local), `https://openmeter.cloud/api/v3`, or `https://us.api.konghq.com/v3` (Kong
 * Konnect; `resolveOpenMeterApi` derives it from a plain server URL).
 */
export type OpenMeterV3ClientOptions = OpenMeterClientOptions;

/** The typed client of OpenMeter's v3 API: the calls this project uses, plus the raw client. */
export interface OpenMeterV3Client {
  events: {
    /**
     * Ingests one event (`application/cloudevents+json`) or a batch
     * (`application/cloudevents-batch+json`); OpenMeter answers 202 and processes them
     * asynchronously. Missing ids are filled once, before the first attempt, so a retry
     * carries the same ids. An empty array sends nothing.
     */
    ingest(
      events: IngestEventInput | readonly IngestEventInput[],
      options?: IngestOptions,
    ): Promise<void>;
    /** One page of ingested events (newest first by default), with cursors in `meta.page`. */
    list(query?: ListEventsQuery): Promise<IngestedEventPage>;
  };
  meters: {
    /** One page of meters; `filter: { key: 'tokens_total' }` finds a meter by key. */
    list(query?: ListMetersQuery): Promise<MeterPage>;
    get(meterId: string): Promise<Meter>;
    create(body: CreateMeterRequest): Promise<Meter>;
    update(meterId: string, body: UpdateMeterRequest): Promise<Meter>;
    delete(meterId: string): Promise<void>;
    /** Queries usage (`POST .../query`, JSON); values are decimal strings. */
    query(meterId: string, body?: MeterQueryRequest): Promise<MeterQueryResult>;
    /** The same query answered as CSV text. */
    queryCsv(meterId: string, body?: MeterQueryRequest): Promise<string>;
  };
  customers: {
    /** One page of customers; `filter: { usage_attribution_subject_key: 's' }` finds a subject's. */
    list(query?: ListCustomersQuery): Promise<CustomerPage>;
    get(customerId: string): Promise<Customer>;
    create(body: CreateCustomerRequest): Promise<Customer>;
    upsert(customerId: string, body: UpsertCustomerRequest): Promise<Customer>;
    delete(customerId: string): Promise<void>;
  };
  features: {
    /** One page of features; `filter: { key: 'llm_token_cost' }` finds one by key. */
    list(query?: ListFeaturesQuery): Promise<FeaturePage>;
    get(featureId: string): Promise<Feature>;
    create(body: CreateFeatureRequest): Promise<Feature>;
    /** Updates the unit cost (the only field v3 lets change; `null` clears it). */
    update(featureId: string, body: UpdateFeatureRequest): Promise<Feature>;
    delete(featureId: string): Promise<void>;
    /**
     * Usage and cost of the feature's meter (`POST .../cost/query`, a meter query body): each
     * row's `cost` is a decimal string, or null with a `detail` saying why it has no price.
     */
    queryCost(featureId: string, body?: MeterQueryRequest): Promise<FeatureCostQueryResult>;
  };
  llmCost: {
    /** One page of LLM cost prices, overrides applied. */
    listPrices(query?: ListLlmCostPricesQuery): Promise<LlmCostPricePage>;
    getPrice(priceId: string): Promise<LlmCostPrice>;
    /** One page of this namespace's overrides. */
    listOverrides(query?: ListLlmCostOverridesQuery): Promise<LlmCostPricePage>;
    /** Creates an override, or updates the one of the same provider, model and currency. */
    createOverride(body: CreateLlmCostOverrideRequest): Promise<LlmCostPrice>;
    deleteOverride(priceId: string): Promise<void>;
  };
  /** The openapi-fetch client typed from the whole v3 spec, with auth, timeout and retries. */
  raw: Client<paths>;
}

/**
 * Creates a client of OpenMeter's v3 API ("OpenMeter and Konnect Metering & Billing API") over
 * openapi-fetch, typed from the pinned v3 spec, with the v1 client's transport (bearer key,
 * timeout, retries) and the same error boundary: failures become `OpenMeterError`,
 * `OpenMeterConnectionError` or `OpenMeterTimeoutError`.
 * @see https://github.com/openmeterio/openmeter/blob/main/api/v3/openapi.yaml
 */
export function createOpenMeterV3Client(options: OpenMeterV3ClientOptions): OpenMeterV3Client {
  const { now, generateId, defaultSource, raw, rawOnce, unwrap } = createClientCore<paths>(options);
  const meterPath = (meterId: string) => ({ params: { path: { meterId } } });
  const customerPath = (customerId: string) => ({ params: { path: { customerId } } });
  const featurePath = (featureId: string) => ({ params: { path: { featureId } } });
  const pricePath = (priceId: string) => ({ params: { path: { priceId } } });
  // The spec's default time zone, sent explicitly (openapi-typescript types it as required).
  const queryBody = (body: MeterQueryRequest) => ({ ...body, time_zone: body.time_zone ?? 'UTC' });

  return {
    events: {
      async ingest(input, ingestOptions) {
        const single = !Array.isArray(input);
        const list = (single ? [input] : input) as readonly IngestEventInput[];
        if (list.length === 0) return;
        const events = prepareEvents({ events: list, defaultSource, now, generateId });
        const client = ingestOptions?.retry === false ? rawOnce : raw;
        // 202 carries no body worth parsing; read it as text so an empty or non-JSON body of
        // a gateway in front of OpenMeter never turns a success into a parse error.
        const result = await client.POST('/openmeter/events', {
          body: single ? events[0] : events,
          headers: {
            'Content-Type': single
              ? 'application/cloudevents+json'
              : 'application/cloudevents-batch+json',
          },
          parseAs: 'text',
        } as never);
        unwrap(result, 'POST');
      },
      async list(query) {
        return unwrap(await raw.GET('/openmeter/events', { params: { query } }), 'GET');
      },
    },
    meters: {
      async list(query) {
        return unwrap(await raw.GET('/openmeter/meters', { params: { query } }), 'GET');
      },
      async get(meterId) {
        return unwrap(await raw.GET('/openmeter/meters/{meterId}', meterPath(meterId)), 'GET');
      },
      async create(body) {
        return unwrap(await raw.POST('/openmeter/meters', { body }), 'POST');
      },
      async update(meterId, body) {
        return unwrap(
          await raw.PUT('/openmeter/meters/{meterId}', { ...meterPath(meterId), body }),
          'PUT',
        );
      },
      async delete(meterId) {
        unwrap(await raw.DELETE('/openmeter/meters/{meterId}', meterPath(meterId)), 'DELETE');
      },
      async query(meterId, body = {}) {
        return unwrap(
          await raw.POST('/openmeter/meters/{meterId}/query', {
            ...meterPath(meterId),
            body: queryBody(body),
            headers: { Accept: 'application/json' },
          }),
          'POST',
        ) as MeterQueryResult;
      },
      async queryCsv(meterId, body = {}) {
        const result = await raw.POST('/openmeter/meters/{meterId}/query', {
          ...meterPath(meterId),
          body: queryBody(body),
          headers: { Accept: 'text/csv' },
          parseAs: 'text',
        });
        return unwrap(result as { data?: string; error?: unknown; response: Response }, 'POST');
      },
    },
    customers: {
      async list(query) {
        return unwrap(await raw.GET('/openmeter/customers', { params: { query } }), 'GET');
      },
      async get(customerId) {
        return unwrap(
          await raw.GET('/openmeter/customers/{customerId}', customerPath(customerId)),
          'GET',
        );
      },
      async create(body) {
        return unwrap(await raw.POST('/openmeter/customers', { body }), 'POST');
      },
      async upsert(customerId, body) {
        return unwrap(
          await raw.PUT('/openmeter/customers/{customerId}', { ...customerPath(customerId), body }),
          'PUT',
        );
      },
      async delete(customerId) {
        unwrap(
          await raw.DELETE('/openmeter/customers/{customerId}', customerPath(customerId)),
          'DELETE',
        );
      },
    },
    features: {
      async list(query) {
        return unwrap(await raw.GET('/openmeter/features', { params: { query } }), 'GET');
      },
      async get(featureId) {
        return unwrap(
          await raw.GET('/openmeter/features/{featureId}', featurePath(featureId)),
          'GET',
        );
      },
      async create(body) {
        return unwrap(await raw.POST('/openmeter/features', { body }), 'POST');
      },
      async update(featureId, body) {
        return unwrap(
          await raw.PATCH('/openmeter/features/{featureId}', { ...featurePath(featureId), body }),
          'PATCH',
        );
      },
      async delete(featureId) {
        unwrap(
          await raw.DELETE('/openmeter/features/{featureId}', featurePath(featureId)),
          'DELETE',
        );
      },
      async queryCost(featureId, body = {}) {
        return unwrap(
          await raw.POST('/openmeter/features/{featureId}/cost/query', {
            ...featurePath(featureId),
            body: queryBody(body),
          }),
          'POST',
        );
      },
    },
    llmCost: {
      async listPrices(query) {
        return unwrap(await raw.GET('/openmeter/llm-cost/prices', { params: { query } }), 'GET');
      },
      async getPrice(priceId) {
        return unwrap(
          await raw.GET('/openmeter/llm-cost/prices/{priceId}', pricePath(priceId)),
          'GET',
        );
      },
      async listOverrides(query) {
        return unwrap(await raw.GET('/openmeter/llm-cost/overrides', { params: { query } }), 'GET');
      },
      async createOverride(body) {
        return unwrap(await raw.POST('/openmeter/llm-cost/overrides', { body }), 'POST');
      },
      async deleteOverride(priceId) {
        unwrap(
          await raw.DELETE('/openmeter/llm-cost/overrides/{priceId}', pricePath(priceId)),
          'DELETE',
        );
      },
    },
    raw,
  };
}
