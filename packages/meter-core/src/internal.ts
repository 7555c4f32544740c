// `@llm-meter/meter-core/internal`: plumbing this repository's own packages share with
// meter-core (openai-local counts Responses prompts exactly as estimates do). Not public API: no
// semver promise, not documented for users; may change in any release.

// @llm-meter/ai-sdk builds events from the AI SDK's normalized usage for providers meter-core
// has no mapping of.
export { convertTime, createUsageEvent } from './events/create-usage-event.js';
export { chatPromptRulesForModel } from './providers/openai/count/chat-prompt-rules.js';
export { requireChatMessages } from './providers/openai/count/count-chat-prompt-tokens.js';
export { countOutputToolCallTokens } from './providers/openai/count/count-output-tool-call-tokens.js';
export { convertResponsesRequest } from './providers/openai/events/convert-responses-request.js';
export { checkUsageRecord } from './usage/check-usage-record.js';
export { usageFieldNames } from './usage/usage-record.js';
