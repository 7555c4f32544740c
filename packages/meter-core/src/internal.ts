// `@llm-meter/meter-core/internal`: plumbing this repository's own packages share with
// meter-core (openai-local counts Responses prompts exactly as estimates do). Not public API: no
// semver promise, not documented for users; may change in any release.

export { chatPromptRulesForModel } from './count/chat-prompt-rules.js';
export { requireChatMessages } from './count/count-chat-prompt-tokens.js';
export { countOutputToolCallTokens } from './count/count-output-tool-call-tokens.js';
export { convertResponsesRequest } from './events/convert-responses-request.js';
export { usageFieldNames } from './usage/usage-record.js';
