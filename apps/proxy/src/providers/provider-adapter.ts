import type { IncomingHttpHeaders } from 'node:http';
import type { StreamMeterOptions, UsageEndpoint, UsageEvent } from '@llm-meter/meter-core';
import type { JournaledStreamMeter, StreamChunkReader } from '@llm-meter/metering';
import type { StreamFramer } from '../relay/create-sse-framer.js';
import type { ProviderTenancy } from '../tenancy/stored-collection.js';

/**
 * An error the proxy answers itself (a refusal, an unreachable upstream), in neutral terms: each
 * provider's adapter writes it in its own error shape, so the caller's SDK reads it as one of
 * its provider's errors.
 */
export interface ProxyError {
  status: number;
  message: string;
  /** What kind of error it is; the adapter maps it to its provider's error type. */
  kind: 'invalid_request' | 'authentication' | 'quota' | 'server' | 'upstream';
  /** A machine-readable code (`missing_subject`, `upstream_unreachable`, ...), or null. */
  code: string | null;
  /** The request parameter the error is about. */
  param?: string | null | undefined;
}

/** How a provider's callers present their API key, and how the proxy sends its own. */
export interface ProviderAuth {
  /** The caller's key (OpenAI: `Authorization: Bearer`; Anthropic: `x-api-key`; Gemini: `x-goog-api-key` or `?key=`). */
  apiKeyOf(request: { headers: IncomingHttpHeaders; query: URLSearchParams }): string | undefined;
  /**
   * Request headers (lower case) that carry a key or choose what a key reaches (OpenAI's
   * organization and project): dropped when the proxy calls upstream with its own key.
   */
  readonly scopedHeaders: readonly string[];
  /** Query parameters that carry a key (Gemini's `?key=`): dropped with the server's key. */
  readonly scopedQuery?: readonly string[] | undefined;
  /** The headers that send the proxy's own key upstream. */
  serverKeyHeaders(apiKey: string): Record<string, string>;
}

/** One metered route: a Hono path pattern (which may name the model, e.g. `/v1beta/models/:model{…}`). */
export interface MeteredRoute {
  method: 'POST';
  path: string;
  /** The route's name in metrics, logs and the tenant guard: `chat`, `responses`, `embeddings`. */
  endpoint: string;
}

/**
 * How one stream's chunks are metered: the push meter of `@llm-meter/meter-core` that ends in
 * its one event, and how `@llm-meter/metering`'s journal reads each chunk.
 */
export interface StreamMetering {
  createMeter(options: StreamMeterOptions): JournaledStreamMeter<unknown>;
  reader: StreamChunkReader<unknown>;
}

/** One metered request as the adapter read it: what to send upstream, and how to meter it. */
export interface MeteredCall {
  /** The model the request names (from the body, or the path), for logs. */
  model: string | undefined;
  streaming: boolean;
  /** The body sent upstream (the caller's, or rewritten to ask for usage). */
  upstreamBody: string;
  /** The request's endpoint in the usage event (its prompt estimate, before the answer). */
  usageEndpoint: UsageEndpoint;
  /** Whether upstream keeps the answer, so that an estimate of it can be settled later. */
  retrievable: boolean;
  /**
   * The meter of a blocking call's journal: made with the call's envelope, nothing pushed, its
   * event is the prompt estimate billed if the proxy dies before the answer is metered. Unset:
   * `@llm-meter/metering`'s own for OpenAI's `usageEndpoint`.
   */
  promptMeter?: ((options: StreamMeterOptions) => JournaledStreamMeter<never>) | undefined;
  /** A stream's metering (only called when `streaming`). */
  streamMetering(): StreamMetering;
  /** Splits the stream's bytes into events: SSE, or a streamed JSON array. */
  createFramer(): StreamFramer;
  /** One framed event's chunk, or undefined for one that carries none (`[DONE]`, a comment). */
  chunkOf(data: string): Record<string, unknown> | undefined;
  /** Whether a chunk reaches the caller (false: one the proxy asked for and the caller did not). */
  forwards(chunk: Record<string, unknown>): boolean;
  /**
   * A blocking answer's usage event, with the envelope, fallback id and clock in `options`
   * (throws when the answer cannot be metered).
   */
  toUsageEvent(response: unknown, options: StreamMeterOptions): UsageEvent;
}

/**
 * A provider behind the proxy: its routes, its auth, its error shape, and how its requests and
 * answers become usage events. The relay never asks which provider it serves; it asks the
 * adapter of the route. A provider is a folder `providers/<id>/` plus one line in
 * `providers/registry.ts`.
 */
export interface ProviderAdapter {
  /** The provider's id, as in the usage event's `provider` field (`openai`). */
  readonly id: string;
  /**
   * The path prefixes below which every path that is not a metered route is passed through
   * (OpenAI's and Anthropic's `/v1`, Gemini's `/v1beta` and `/v1`).
   */
  readonly passThroughPaths: readonly string[];
  /**
   * Whether a pass-through request is this provider's, where providers share a prefix
   * (Anthropic's carry `anthropic-version`, Gemini's a Google key); unset: the prefix's default
   * provider, which takes what no other claims.
   */
  claims?(request: { headers: IncomingHttpHeaders; query: URLSearchParams }): boolean;
  /** How its stored objects are kept apart when customers share the proxy's key. */
  readonly tenancy: ProviderTenancy;
  /** The setting of the proxy's own key for it (`OPENAI_API_KEY`), for messages. */
  readonly keySetting: string;
  /**
   * The part of a proxy path its upstream base URL already ends with: OpenAI's `/v1`
   * (`OPENAI_BASE_URL=…/v1`), none for Anthropic and Gemini, whose base URLs are hosts.
   */
  readonly upstreamPathPrefix: string;
  /** The setting naming its upstream (`OPENAI_BASE_URL`), for errors and the start line. */
  readonly upstreamSetting: string;
  readonly routes: readonly MeteredRoute[];
  readonly auth: ProviderAuth;
  /**
   * The response header naming the request upstream logs it under (OpenAI's `x-request-id`,
   * Anthropic's `request-id`): a call killed before its answer is billed under it.
   */
  readonly requestIdHeader: string | undefined;
  /** An error the proxy answers, in the provider's error shape. */
  errorResponse(error: ProxyError): Response;
  /**
   * Reads a metered request's parsed body (and the route's path parameters): the call to send
   * and meter, or the error that refuses it.
   */
  prepareCall(input: {
    route: MeteredRoute;
    params: Readonly<Record<string, string>>;
    body: Record<string, unknown>;
    raw: string;
    /** The request's query (Gemini's `alt=sse` chooses the stream's format). */
    query: URLSearchParams;
    /** The proxy calls upstream with its own key: send exactly what was checked. */
    serverKey: boolean;
  }): { success: true; call: MeteredCall } | { success: false; error: ProxyError };
}
