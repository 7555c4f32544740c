// Token counting and tokenizer (src/tokenizer/, src/count/).
// biome-ignore assist/source/organizeImports: two sections with separate owners; each is sorted.
export type { ChatPromptRules } from './count/chat-prompt-rules.js';
export { chatPromptRulesForModel } from './count/chat-prompt-rules.js';
export type {
  ChatPromptContentPart,
  ChatPromptMessage,
  ChatPromptRequest,
  ChatPromptTokenCount,
  ExcludedPromptPart,
  ExcludedPromptPartKind,
} from './count/count-chat-prompt-tokens.js';
export { countChatPromptTokens } from './count/count-chat-prompt-tokens.js';
export type { FunctionDefinitionInput } from './count/count-function-definition-tokens.js';
export type { ResponseFormatInput } from './count/count-response-format-tokens.js';
export type { CountOptions } from './count/count-tokens.js';
export { countTokens } from './count/count-tokens.js';
export { encodingForModel } from './tokenizer/encoding-for-model.js';
export type { EncodingName } from './tokenizer/encoding-name.js';
export { encodingNames, isEncodingName } from './tokenizer/encoding-name.js';
export type { Tokenizer } from './tokenizer/get-tokenizer.js';
export { getTokenizer } from './tokenizer/get-tokenizer.js';
export { UnknownModelError } from './tokenizer/unknown-model-error.js';

// Usage events, meter definitions and stream meters (src/events/, src/stream/, src/meters/).
export type { OpenAIChatUsage } from './events/convert-chat-usage.js';
export { convertChatUsage } from './events/convert-chat-usage.js';
export type {
  ResponsesInputItem,
  ResponsesPromptRequest,
} from './events/convert-responses-request.js';
export { convertResponsesRequest } from './events/convert-responses-request.js';
export type { OpenAIResponsesUsage } from './events/convert-responses-usage.js';
export { convertResponsesUsage } from './events/convert-responses-usage.js';
export { convertToTokenTypeEvents } from './events/convert-to-token-type-events.js';
export type { UsageEventEnvelopeOptions } from './events/create-usage-event.js';
export { createUsageEvent, reservedDataKeys } from './events/create-usage-event.js';
export type {
  ChatCompletionLike,
  EmbeddingsPromptRequest,
  EmbeddingsResponseLike,
  MeterableResponse,
  ResponseLike,
  ResponseOutputItemLike,
} from './events/response-types.js';
export { toTokenTypeEvents } from './events/to-token-type-events.js';
export type { ToUsageEventOptions } from './events/to-usage-event.js';
export { toUsageEvent } from './events/to-usage-event.js';
export type {
  CloudEvent,
  DimensionValue,
  EstimateReason,
  TokenType,
  TokenTypeEvent,
  TokenTypeEventData,
  UsageEndpoint,
  UsageEvent,
  UsageEventData,
  UsageTokens,
} from './events/usage-event.js';
export {
  defaultTokenTypeEventType,
  defaultUsageEventSource,
  defaultUsageEventType,
} from './events/usage-event.js';
export { UsageEventError } from './events/usage-event-error.js';
export { convertMetersToYaml } from './meters/convert-meters-to-yaml.js';
export type { MeterDefinition } from './meters/usage-meters.js';
export { openMeterMeters, tokenTypeEventMeters, usageEventMeters } from './meters/usage-meters.js';
export type { ChatCompletionChunkLike } from './stream/chat-stream-meter.js';
export { ChatStreamMeter } from './stream/chat-stream-meter.js';
export type {
  MeteredStreamCallbacks,
  PushStreamMeter,
} from './stream/create-metered-iterable.js';
export { createMeteredIterable } from './stream/create-metered-iterable.js';
export type { MeterChatStreamOptions } from './stream/meter-chat-stream.js';
export { meterChatStream } from './stream/meter-chat-stream.js';
export type { MeterResponsesStreamOptions } from './stream/meter-responses-stream.js';
export { meterResponsesStream } from './stream/meter-responses-stream.js';
export type { ResponseStreamEventLike } from './stream/responses-stream-meter.js';
export { ResponsesStreamMeter } from './stream/responses-stream-meter.js';
export type { StreamEndReason, StreamMeterOptions } from './stream/stream-meter-options.js';
export type { StreamOptionsOf, WithStreamUsage } from './stream/with-stream-usage.js';
export { withStreamUsage } from './stream/with-stream-usage.js';
