// The public API of @llm-meter/meter-core: one event per response, stream wrappers, the shipped
// meters and features, and token counting. Push meters live under `./push`; everything else is
// internal. The rules are in CONTRIBUTING.md at the repository root.

// Token counting (src/count/, src/tokenizer/).
export type {
  ChatPromptContentPart,
  ChatPromptMessage,
  ChatPromptRequest,
  ChatPromptTokenCount,
  ExcludedPromptPart,
  ExcludedPromptPartKind,
} from './count/count-chat-prompt-tokens.js';
export { ChatPromptRequestError, countChatPromptTokens } from './count/count-chat-prompt-tokens.js';
export type { FunctionDefinitionInput } from './count/count-function-definition-tokens.js';
export type { ResponseFormatInput } from './count/count-response-format-tokens.js';
export type { CountOptions } from './count/count-tokens.js';
export { countTokens } from './count/count-tokens.js';
// Usage events: responses, streams, token-type split.
export type { OpenAIChatUsage } from './events/convert-chat-usage.js';
export { convertChatUsage } from './events/convert-chat-usage.js';
export type {
  ResponsesInputItem,
  ResponsesPromptRequest,
} from './events/convert-responses-request.js';
export type { OpenAIResponsesUsage } from './events/convert-responses-usage.js';
export { convertResponsesUsage } from './events/convert-responses-usage.js';
export { convertToTokenTypeEvents } from './events/convert-to-token-type-events.js';
export type { UsageEventEnvelopeOptions } from './events/create-usage-event.js';
export type {
  ChatCompletionLike,
  EmbeddingsPromptRequest,
  EmbeddingsResponseLike,
  MeterableResponse,
  ResponseLike,
  ResponseOutputItemLike,
} from './events/response-types.js';
export type { ToUsageEventOptions } from './events/to-usage-event.js';
export { toUsageEvent } from './events/to-usage-event.js';
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
export { openMeterMeters, tokenTypeEventMeters, usageEventMeters } from './meters/usage-meters.js';
export type { ChatCompletionChunkLike } from './stream/chat-stream-meter.js';
export type { MeteredStreamCallbacks } from './stream/create-metered-iterable.js';
export type { MeterChatStreamOptions } from './stream/meter-chat-stream.js';
export { meterChatStream } from './stream/meter-chat-stream.js';
export type { MeterResponsesStreamOptions } from './stream/meter-responses-stream.js';
export { meterResponsesStream } from './stream/meter-responses-stream.js';
export type { ResponseStreamEventLike } from './stream/responses-stream-meter.js';
export type { StreamEndReason, StreamMeterOptions } from './stream/stream-meter-options.js';
export type { StreamOptionsOf, WithStreamUsage } from './stream/with-stream-usage.js';
export { withStreamUsage } from './stream/with-stream-usage.js';
export { encodingForModel } from './tokenizer/encoding-for-model.js';
export type { EncodingName } from './tokenizer/encoding-name.js';
export type { Tokenizer } from './tokenizer/get-tokenizer.js';
export { getTokenizer } from './tokenizer/get-tokenizer.js';
export { UnknownModelError } from './tokenizer/unknown-model-error.js';
// The provider-neutral usage record (src/usage/).
export { splitTokenTypes } from './usage/split-token-types.js';
export type { TokenType, UsageField, UsageRecord, UsageTokens } from './usage/usage-record.js';
export { usageFields } from './usage/usage-record.js';
