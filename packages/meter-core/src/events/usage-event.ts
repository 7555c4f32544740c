import type { TokenType, UsageRecord } from '../usage/usage-record.js';

/**
 * A JSON scalar: the only values allowed as extra dimensions in event data, so OpenMeter's
 * `groupBy` JSONPaths always resolve to a single value.
 * @see https://openmeter.io/docs/metering/events/usage-events
 */
export type DimensionValue = string | number | boolean | null;

/**
 * The API a usage event was produced from: OpenAI's chat completions, Responses and embeddings,
 * Anthropic's Messages (`messages`), Gemini's `generateContent`, `embedContent` and
 * `batchEmbedContents`.
 * @see https://platform.openai.com/docs/api-reference
 */
export type UsageEndpoint =
  | 'chat.completions'
  | 'responses'
  | 'embeddings'
  | 'messages'
  | 'generateContent'
  | 'embedContent'
  | 'batchEmbedContents';

/**
 * Where an event's numbers come from: the provider's own usage, an estimate (the provider's was
 * not to be had), or a correction that settles an estimate to the provider's numbers (its token
 * fields are the signed differences).
 */
export type UsageSource = 'provider' | 'estimated' | 'settled';

/**
 * Why token counts are estimates: the response carried no usage (`no_usage`), the stream ended
 * without its usage chunk (`no_usage_chunk`), the consumer stopped or the signal fired
 * (`aborted`), the stream failed (`error`), the stream's usage was malformed (`invalid_usage`,
 * the provider's numbers refused), or the process died with the stream still open
 * (`crashed`, written by the outbox when it next starts).
 * @see https://platform.openai.com/docs/api-reference/chat/create#chat-create-stream_options
 */
export type EstimateReason =
  | 'no_usage'
  | 'no_usage_chunk'
  | 'invalid_usage'
  | 'aborted'
  | 'error'
  | 'crashed';

/**
 * Data of a usage event: the token counts, what decides their price (provider, model, requested
 * model, service tier), the endpoint, where the numbers come from, and the caller's extra
 * dimensions.
 * @see https://openmeter.io/docs/metering/guides/common-examples
 */
export type UsageEventData = UsageRecord &
  PricingFields & {
    endpoint: UsageEndpoint;
    usage_source: UsageSource;
    /** On a correction (`usage_source: "settled"`): the id of the estimate it settles. */
    settles?: string;
    estimate_reason?: EstimateReason;
    /**
     * Set (to `true`) on estimates: an estimate cannot know which prompt tokens the provider's
     * prompt cache served, so `cached_tokens` is then 0 as a lower bound, not a measurement.
     */
    cached_tokens_unknown?: true;
    /**
     * Set (to `true`) on estimates of reasoning models (o-series, gpt-5 family): their hidden
     * reasoning tokens never appear in a response or stream without usage, so
     * `reasoning_tokens` is then 0 and `completion_tokens` holds only the visible output, both
     * lower bounds. Settlement corrects them when OpenAI's usage can be retrieved.
     */
    reasoning_tokens_unknown?: true;
  } & { readonly [dimension: string]: DimensionValue | undefined };

/**
 * What decides the price of a response besides its tokens: who served it (`provider`), the model
 * the provider reported (`model`, usually dated), the model the request named
 * (`requested_model`, present when the request was given) and the service tier that actually
 * served it (`service_tier`, present when the provider reported it; it can differ from the tier
 * requested).
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-service_tier
 */
export interface PricingFields {
  /** Who served the request: `openai` unless the caller set `provider` (compatible servers). */
  provider: string;
  /** The model the provider reported, e.g. `gpt-4o-mini-2024-07-18`. */
  model: string;
  /** The model named in the request, e.g. `gpt-4o-mini`; absent when no request was given. */
  requested_model?: string;
  /** The tier that served the request (`default`, `flex`, `priority`, ...), as reported. */
  service_tier?: string;
  /**
   * Vertex AI's traffic type (`ON_DEMAND`, `ON_DEMAND_FLEX`, `PROVISIONED_THROUGHPUT`), as
   * reported: whether the tokens are paid per token or from provisioned throughput.
   */
  traffic_type?: string;
}

/**
 * Data of a token-type event: `{ tokens, type, provider, model }`, the properties an OpenMeter
 * feature with an LLM unit cost reads, plus the endpoint, usage source and extra dimensions.
 * @see https://openmeter.io/docs/metering/guides/common-examples
 */
export type TokenTypeEventData = PricingFields & {
  tokens: number;
  type: TokenType;
  endpoint: UsageEndpoint;
  usage_source: UsageSource;
  estimate_reason?: EstimateReason;
  /** Set on estimates: the `input` event then holds every prompt token, cached or not. */
  cached_tokens_unknown?: true;
  /**
   * Set on estimates of reasoning models: the `output` event then lacks the hidden reasoning
   * tokens (a lower bound).
   */
  reasoning_tokens_unknown?: true;
} & { readonly [dimension: string]: DimensionValue | undefined };

/**
 * A CloudEvents 1.0 event in the structured JSON form OpenMeter ingests.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md
 */
export interface CloudEvent<Data> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject: string;
  /** RFC 3339 timestamp, e.g. `2024-01-01T00:00:00.000Z`. */
  time: string;
  datacontenttype: 'application/json';
  data: Data;
}

/**
 * One event per response carrying all its token counts (`type: "openai"` by default).
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md
 */
export type UsageEvent = CloudEvent<UsageEventData>;

/**
 * One event per token type of a response (`type: "prompt"` by default), as in OpenMeter's LLM
 * metering guide.
 * @see https://openmeter.io/docs/metering/guides/common-examples
 */
export type TokenTypeEvent = CloudEvent<TokenTypeEventData>;

/**
 * Default CloudEvents `type` of usage events; the shipped meters filter on it.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md#type
 */
export const defaultUsageEventType = 'openai';

/**
 * Default CloudEvents `type` of token-type events, as in OpenMeter's LLM metering guide.
 * @see https://openmeter.io/docs/metering/guides/common-examples
 */
export const defaultTokenTypeEventType = 'prompt';

/**
 * Default CloudEvents `source` of every event this package builds.
 * @see https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/spec.md#source-1
 */
export const defaultUsageEventSource = 'llm-meter';

/**
 * Default `provider` of every event: the OpenAI API. Set `provider` for compatible servers.
 * @see https://openmeter.io/docs/billing/entitlements/feature
 */
export const defaultProvider = 'openai';
