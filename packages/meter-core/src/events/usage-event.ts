/**
 * A JSON scalar: the only values allowed as extra dimensions in event data, so OpenMeter's
 * `groupBy` JSONPaths always resolve to a single value.
 * @see https://openmeter.io/docs/metering/events/usage-events
 */
export type DimensionValue = string | number | boolean | null;

/**
 * The API a usage event was produced from.
 * @see https://platform.openai.com/docs/api-reference
 */
export type UsageEndpoint = 'chat.completions' | 'responses' | 'embeddings';

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
 * Token counts of one response, with OpenAI's chat field names. `prompt_tokens` includes
 * `cached_tokens` and `completion_tokens` includes `reasoning_tokens`, as in OpenAI's usage
 * object; `total_tokens` is always `prompt_tokens + completion_tokens`. The optional fields are
 * present only when the provider reported them.
 * @see https://platform.openai.com/docs/api-reference/chat/object#chat/object-usage
 */
export interface UsageTokens {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** Prompt tokens served from the prompt cache (0 when the provider reported none). */
  cached_tokens: number;
  /** Completion tokens spent on hidden reasoning (0 when the provider reported none). */
  reasoning_tokens: number;
  /** Prompt tokens written to the cache, reported by some providers. */
  cache_write_tokens?: number;
  prompt_audio_tokens?: number;
  completion_audio_tokens?: number;
  accepted_prediction_tokens?: number;
  rejected_prediction_tokens?: number;
}

/**
 * Data of a usage event: the token counts, the model the provider reported, the endpoint, where
 * the numbers come from, and the caller's extra dimensions.
 * @see https://openmeter.io/docs/metering/guides/common-examples
 */
export type UsageEventData = UsageTokens & {
  model: string;
  endpoint: UsageEndpoint;
  usage_source: 'provider' | 'estimated';
  estimate_reason?: EstimateReason;
} & { readonly [dimension: string]: DimensionValue | undefined };

/**
 * Token type of a token-type event: uncached input, cached input, or output (reasoning included).
 * @see https://openmeter.io/docs/metering/guides/common-examples
 */
export type TokenType = 'input' | 'cached_input' | 'output';

/**
 * Data of a token-type event, the shape of OpenMeter's LLM metering guide
 * (`{ tokens, model, type }`), plus the endpoint, usage source and extra dimensions.
 * @see https://openmeter.io/docs/metering/guides/common-examples
 */
export type TokenTypeEventData = {
  tokens: number;
  model: string;
  type: TokenType;
  endpoint: UsageEndpoint;
  usage_source: 'provider' | 'estimated';
  estimate_reason?: EstimateReason;
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
