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

export {};
