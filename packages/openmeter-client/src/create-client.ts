import type { Client } from 'openapi-fetch';
import { createClientCore } from './create-client-core.js';
import type { paths } from './generated/schema.js';
import { prepareEvents } from './prepare-events.js';
import type { RetryOptions } from './retry-policy.js';
import type {
  IngestEventInput,
  IngestedEvent,
  ListEventsParams,
  ListMetersParams,
  Meter,
  MeterCreate,
  MeterQueryParams,
  MeterQueryResult,
} from './types.js';

/** Options of `createOpenMeterClient`. */
export interface OpenMeterClientOptions {
  /** OpenMeter's base URL, e.g. `https://openmeter.cloud` or `http://127.0.0.1:8888`; a path prefix is kept. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>` when set. Never logged or put in an error. */
  apiKey?: string | undefined;
  /** A `fetch` to use instead of the global one (tests, proxies, instrumentation). */
  fetch?: typeof globalThis.fetch;
  /** Per-attempt timeout. Default 30,000 ms. */
  timeoutMs?: number;
  /** Retry settings, or `false` to send every request once (the outbox retries on its own). */
  retry?: RetryOptions | false;
  /** `source` for events that have none. Default `llm-meter`. */
  defaultSource?: string;
  /** Called before each retry. */
  onRetry?: (info: { attempt: number; delayMs: number; reason: string; url: string }) => void;
  /** Test seam: id generation. Default `crypto.randomUUID()`. */
  generateId?: () => string;
  /**
   * The clock: the `time` of events that have none, `Retry-After` dates and the retry budget.
   * Default `() => new Date()`.
   */
  now?: () => Date;
}

/**
 * Per-call options of `events.ingest`.
 * @see https://openmeter.io/docs/api/cloud#tag/events/operation/ingestEvents
 */
export interface IngestOptions {
  /** `false` sends this request once whatever the client's `retry` (the outbox retries itself). */
  retry?: false;
}

/** The typed OpenMeter client: the calls this project uses, plus the raw typed client. */
export interface OpenMeterClient {
  events: {
    /**
     * Ingests one event (`application/cloudevents+json`) or a batch
     * (`application/cloudevents-batch+json`). Missing ids are filled once, before the first
     * attempt, so retries are deduplicated by OpenMeter. An empty array sends nothing.
     */
    ingest(
      events: IngestEventInput | readonly IngestEventInput[],
      options?: IngestOptions,
    ): Promise<void>;
    /** Lists ingested events, newest first. */
    list(query?: ListEventsParams): Promise<IngestedEvent[]>;
  };
  meters: {
    list(query?: ListMetersParams): Promise<Meter[]>;
    get(meterIdOrSlug: string): Promise<Meter>;
    create(body: MeterCreate): Promise<Meter>;
    delete(meterIdOrSlug: string): Promise<void>;
    /** Queries usage: from, to, windowSize, windowTimeZone, subject, groupBy, filterGroupBy. */
    query(meterIdOrSlug: string, params?: MeterQueryParams): Promise<MeterQueryResult>;
    /** The same query answered as CSV text. */
    queryCsv(meterIdOrSlug: string, params?: MeterQueryParams): Promise<string>;
  };
  /** The openapi-fetch client typed from the whole spec, with auth, timeout and retries. */
  raw: Client<paths>;
}

/**
 * What reading usage needs of a client: `meters.get` and `meters.query` in v1's shape. The v1
 * client is one; `createV3MeterReader` (`@llm-meter/openmeter-client/v3`) makes one of a v3 client.
 */
export interface OpenMeterMeterReader {
  meters: Pick<OpenMeterClient['meters'], 'get' | 'query'>;
}

/**
 * Creates an OpenMeter client over openapi-fetch, typed from OpenMeter's OpenAPI spec.
 * Failures become `OpenMeterError` (HTTP), `OpenMeterConnectionError` or `OpenMeterTimeoutError`.
 * @see https://openmeter.io/docs/api/cloud
 */
export function createOpenMeterClient(options: OpenMeterClientOptions): OpenMeterClient {
  const { now, generateId, defaultSource, raw, rawOnce, unwrap } = createClientCore<paths>(options);

  return {
    events: {
      async ingest(input, ingestOptions) {
        const list: readonly IngestEventInput[] = isEventList(input) ? input : [input];
        if (list.length === 0) return;
        const events = prepareEvents({
          events: list,
          defaultSource,
          now,
          generateId,
        });
        const single = !isEventList(input);
        const client = ingestOptions?.retry === false ? rawOnce : raw;
        const result = await client.POST('/api/v1/events', {
          body: single ? events[0] : events,
          headers: {
            'Content-Type': single
              ? 'application/cloudevents+json'
              : 'application/cloudevents-batch+json',
          },
        } as never);
        unwrap(result, 'POST');
      },
      async list(query) {
        return unwrap(await raw.GET('/api/v1/events', { params: { query } }), 'GET');
      },
    },
    meters: {
      async list(query) {
        return unwrap(await raw.GET('/api/v1/meters', { params: { query } }), 'GET');
      },
      async get(meterIdOrSlug) {
        return unwrap(
          await raw.GET('/api/v1/meters/{meterIdOrSlug}', {
            params: { path: { meterIdOrSlug } },
          }),
          'GET',
        );
      },
      async create(body) {
        return unwrap(await raw.POST('/api/v1/meters', { body }), 'POST');
      },
      async delete(meterIdOrSlug) {
        unwrap(
          await raw.DELETE('/api/v1/meters/{meterIdOrSlug}', {
            params: { path: { meterIdOrSlug } },
          }),
          'DELETE',
        );
      },
      async query(meterIdOrSlug, params) {
        return unwrap(
          await raw.GET('/api/v1/meters/{meterIdOrSlug}/query', {
            params: { path: { meterIdOrSlug }, query: params },
            headers: { Accept: 'application/json' },
          }),
          'GET',
        ) as MeterQueryResult;
      },
      async queryCsv(meterIdOrSlug, params) {
        const result = await raw.GET('/api/v1/meters/{meterIdOrSlug}/query', {
          params: { path: { meterIdOrSlug }, query: params },
          headers: { Accept: 'text/csv' },
          parseAs: 'text',
        });
        return unwrap(result as { data?: string; error?: unknown; response: Response }, 'GET');
      },
    },
    raw,
  };
}

function isEventList(
  input: IngestEventInput | readonly IngestEventInput[],
): input is readonly IngestEventInput[] {
  return Array.isArray(input);
}
