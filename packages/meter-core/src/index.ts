// The public API of @llm-meter/meter-core: one event per response, stream wrappers, the shipped
// meters and features, and token counting. Push meters live under `./push`; everything else is
// internal. The rules are in CONTRIBUTING.md at the repository root.

export { convertToTokenTypeEvents } from './events/convert-to-token-type-events.js';
export type { RefusalEvent, RefusalEventData } from './events/create-refusal-event.js';
export { createRefusalEvent, refusalEventType } from './events/create-refusal-event.js';
export type { UsageEventEnvelopeOptions } from './events/create-usage-event.js';
export type {
  CloudEvent,
  DimensionValue,
  EstimateReason,
  PricingFields,
  TokenTypeEvent,
  TokenTypeEventData,
  UsageEndpoint,
  UsageEvent,
  UsageEventData,
  UsageSource,
} from './events/usage-event.js';
export {
  defaultProvider,
  defaultTokenTypeEventType,
  defaultUsageEventSource,
  defaultUsageEventType,
} from './events/usage-event.js';
export { UsageEventError } from './events/usage-event-error.js';
export type { FeatureDefinition } from './meters/llm-cost-features.js';
export { openMeterFeatures } from './meters/llm-cost-features.js';
export type { MeterDefinition } from './meters/usage-meters.js';
export {
  openMeterMeters,
  refusalEventMeters,
  tokenTypeEventMeters,
  usageEventMeters,
} from './meters/usage-meters.js';
// Anthropic Messages: usage events and the stream wrapper (src/providers/anthropic/).
export type {
  AnthropicCacheCreation,
  AnthropicContentBlockLike,
  AnthropicMessageLike,
  AnthropicMessagesRequest,
  AnthropicRequestBlockLike,
  AnthropicUsage,
  AnthropicUsageIteration,
} from './providers/anthropic/events/anthropic-message-types.js';
export { convertAnthropicUsage } from './providers/anthropic/events/convert-anthropic-usage.js';
export type { CreateAnthropicUsageEventOptions } from './providers/anthropic/events/create-anthropic-usage-event.js';
export { createAnthropicUsageEvent } from './providers/anthropic/events/create-anthropic-usage-event.js';
export type { AnthropicStreamEventLike } from './providers/anthropic/stream/anthropic-stream-meter.js';
export type { MeterAnthropicStreamOptions } from './providers/anthropic/stream/meter-anthropic-stream.js';
export { meterAnthropicStream } from './providers/anthropic/stream/meter-anthropic-stream.js';
// Gemini (Generative Language API and Vertex AI): usage events and stream wrapper.
export { convertGeminiUsage } from './providers/gemini/events/convert-gemini-usage.js';
export type { GeminiUsageEventOptions } from './providers/gemini/events/create-gemini-usage-event.js';
export { createGeminiUsageEvent } from './providers/gemini/events/create-gemini-usage-event.js';
export type {
  GeminiContentLike,
  GeminiEmbedResponseLike,
  GeminiModalityTokenCount,
  GeminiPartLike,
  GeminiPromptRequest,
  GeminiUsageMetadata,
  GenerateContentResponseLike,
} from './providers/gemini/events/gemini-response-types.js';
export type { GeminiStreamMeterOptions } from './providers/gemini/stream/gemini-stream-meter.js';
export type { MeterGeminiStreamOptions } from './providers/gemini/stream/meter-gemini-stream.js';
export { meterGeminiStream } from './providers/gemini/stream/meter-gemini-stream.js';
// Token counting (src/count/, src/tokenizer/).
export type {
  ChatPromptContentPart,
  ChatPromptMessage,
  ChatPromptRequest,
  ChatPromptTokenCount,
  ExcludedPromptPart,
  ExcludedPromptPartKind,
} from './providers/openai/count/count-chat-prompt-tokens.js';
export {
  ChatPromptRequestError,
  countChatPromptTokens,
} from './providers/openai/count/count-chat-prompt-tokens.js';
export type { FunctionDefinitionInput } from './providers/openai/count/count-function-definition-tokens.js';
export type { ResponseFormatInput } from './providers/openai/count/count-response-format-tokens.js';
export { countResponsesPromptTokens } from './providers/openai/count/count-responses-prompt-tokens.js';
// Usage events: responses, streams, token-type split.
export type { OpenAIChatUsage } from './providers/openai/events/convert-chat-usage.js';
export { convertChatUsage } from './providers/openai/events/convert-chat-usage.js';
export type {
  ResponsesInputItem,
  ResponsesPromptRequest,
  ResponsesTextFormat,
} from './providers/openai/events/convert-responses-request.js';
export type { OpenAIResponsesUsage } from './providers/openai/events/convert-responses-usage.js';
export { convertResponsesUsage } from './providers/openai/events/convert-responses-usage.js';
export type {
  ChatCompletionLike,
  EmbeddingsPromptRequest,
  EmbeddingsResponseLike,
  MeterableResponse,
  ResponseLike,
  ResponseOutputItemLike,
} from './providers/openai/events/response-types.js';
export type { ToUsageEventOptions } from './providers/openai/events/to-usage-event.js';
export { toUsageEvent } from './providers/openai/events/to-usage-event.js';
export type { ChatCompletionChunkLike } from './providers/openai/stream/chat-stream-meter.js';
export type { MeterChatStreamOptions } from './providers/openai/stream/meter-chat-stream.js';
export { meterChatStream } from './providers/openai/stream/meter-chat-stream.js';
export type { MeterResponsesStreamOptions } from './providers/openai/stream/meter-responses-stream.js';
export { meterResponsesStream } from './providers/openai/stream/meter-responses-stream.js';
export type { ResponseStreamEventLike } from './providers/openai/stream/responses-stream-meter.js';
export type {
  StreamOptionsOf,
  WithStreamUsage,
} from './providers/openai/stream/with-stream-usage.js';
export { withStreamUsage } from './providers/openai/stream/with-stream-usage.js';
// Providers, reached by id (src/providers/registry.ts).
export { getUsageProvider, usageProviderIds } from './providers/registry.js';
export type { RequestEstimate, UsageProvider } from './providers/usage-provider.js';
export type { MeteredStreamCallbacks } from './stream/create-metered-iterable.js';
export type { StreamEndReason, StreamMeterOptions } from './stream/stream-meter-options.js';
export type { CountOptions } from './tokenizer/count-tokens.js';
export { countTokens } from './tokenizer/count-tokens.js';
export { encodingForModel } from './tokenizer/encoding-for-model.js';
export type { EncodingName } from './tokenizer/encoding-name.js';
export type { Tokenizer } from './tokenizer/get-tokenizer.js';
export { getTokenizer } from './tokenizer/get-tokenizer.js';
export { UnknownModelError } from './tokenizer/unknown-model-error.js';
// The provider-neutral usage record (src/usage/).
export { splitTokenTypes } from './usage/split-token-types.js';
export type { TokenType, UsageField, UsageRecord, UsageTokens } from './usage/usage-record.js';
export { usageFields } from './usage/usage-record.js';
