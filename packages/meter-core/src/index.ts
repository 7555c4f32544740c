// Token counting and tokenizer (src/tokenizer/, src/count/).
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
